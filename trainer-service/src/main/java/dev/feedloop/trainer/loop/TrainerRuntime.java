package dev.feedloop.trainer.loop;

import ai.djl.ndarray.NDManager;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import dev.feedloop.contracts.events.v1.OffsetRange;
import dev.feedloop.contracts.events.v1.PolicyPublished;
import dev.feedloop.ml.train.PpoConfig;
import dev.feedloop.ml.train.PpoStep;
import dev.feedloop.ml.train.ScoredRollout;
import dev.feedloop.trainer.lineage.OffsetCodec;
import dev.feedloop.trainer.lineage.Range;
import dev.feedloop.trainer.messaging.DeadLetterWriter;
import dev.feedloop.trainer.messaging.PolicyPublisher;
import dev.feedloop.trainer.messaging.RewardsConsumer;
import dev.feedloop.trainer.policy.PolicyCheckpoints;
import dev.feedloop.trainer.policy.PolicyTrainer;
import dev.feedloop.trainer.policy.TrainerState;
import dev.feedloop.trainer.rollout.RolloutDecoder;
import dev.feedloop.trainer.rollout.Staleness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The trainer process without Quarkus: one training thread that owns every DJL object. It loads
 * the latest checkpoint (or the base), publishes that checkpoint if a crash left it unannounced,
 * starts the {@link RewardsConsumer} at the checkpoint's stored offsets, then takes records from the
 * bounded queue into a {@link TrainingSession}; each completed version is checkpointed first and
 * published second, so every published version exists on disk with the offsets it trained up to.
 */
public final class TrainerRuntime implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TrainerRuntime.class);

    /**
     * @param kafka           the application's default Kafka configuration (bootstrap.servers and the
     *                        security settings, keys without the {@code kafka.} prefix); every client starts from it
     * @param checkpointDir   where versions are written and resumed from
     * @param baseModel       the base policy and frozen reference (llama2.c file or checkpoint directory)
     * @param baseTokenizer   tokenizer of a llama2.c base model; copied into every checkpoint
     * @param batchSize       rollouts per step
     * @param stepsPerVersion steps per published version
     * @param maxPolicyLag    see {@link Staleness}
     * @param queueCapacity   consumed records waiting for the training thread
     * @param warmupSteps     learning-rate warm-up after every start
     */
    public record Settings(Map<String, Object> kafka, String rewardsTopic, String policiesTopic, String deadLetterTopic,
            Path checkpointDir, Path baseModel, Path baseTokenizer, int batchSize, int stepsPerVersion, long maxPolicyLag,
            int queueCapacity, PpoConfig ppo, int warmupSteps) {
    }

    private final Settings settings;
    private final TrainerCounters counters;
    private final BlockingQueue<ConsumedRecord> queue;
    private volatile boolean running;
    private volatile boolean policyLoaded;
    private volatile Throwable failure;
    private volatile double klCoefficient = Double.NaN;
    private Thread thread;

    public TrainerRuntime(Settings settings, TrainerCounters counters) {
        this.settings = settings;
        this.counters = counters;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "trainer-training");
        thread.setDaemon(true);
        thread.start();
    }

    /** True once a policy is loaded and training runs. */
    public boolean policyLoaded() {
        return policyLoaded && failure == null;
    }

    /** Why training stopped, or null. */
    public Throwable failure() {
        return failure;
    }

    /** β of the KL controller (NaN before the policy is loaded). */
    public double klCoefficient() {
        return klCoefficient;
    }

    public TrainerCounters counters() {
        return counters;
    }

    /** Stops at once: a version in progress is lost (as in a crash) and retrained from the stored offsets. */
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void run() {
        RewardsConsumer consumer = null;
        try (NDManager root = NDManager.newBaseManager();
             PolicyPublisher publisher = new PolicyPublisher(settings.kafka(), settings.policiesTopic());
             DeadLetterWriter deadLetters = new DeadLetterWriter(settings.kafka(), settings.deadLetterTopic())) {
            PolicyCheckpoints checkpoints = new PolicyCheckpoints(settings.checkpointDir(), settings.baseTokenizer());
            Optional<Path> latest = checkpoints.latest();
            TrainerState state = latest.map(PolicyCheckpoints::state).orElse(TrainerState.base());
            long start = System.nanoTime();
            try (PolicyTrainer trainer = PolicyTrainer.start(root, settings.baseModel(), settings.baseTokenizer(),
                    latest.orElse(null), settings.ppo(), state.klCoefficient(), settings.warmupSteps())) {
                LOG.infof("policy version %d loaded from %s in %d ms; resuming %s at %s", state.version(),
                        latest.map(Path::toString).orElse(settings.baseModel().toString()),
                        (System.nanoTime() - start) / 1_000_000, settings.rewardsTopic(),
                        state.resumePositions().isEmpty() ? "the beginning" : OffsetCodec.positions(state.resumePositions()));
                recoverUnpublished(publisher, checkpoints, state);
                counters.policyVersion.set(state.version());
                klCoefficient = trainer.klCoefficient();
                TrainingSession session = new TrainingSession(adapter(trainer), state.version(), state.resumePositions(),
                        state.rewardModelVersion(), new Staleness(settings.maxPolicyLag()), settings.batchSize(),
                        settings.stepsPerVersion(), settings.ppo().temperature(), counters);
                consumer = new RewardsConsumer(settings.kafka(), settings.rewardsTopic(),
                        new RolloutDecoder(trainer.config().vocabSize(), trainer.config().contextLength()), deadLetters,
                        queue, counters);
                consumer.start(state.resumePositions());
                policyLoaded = true;
                while (running) {
                    ConsumedRecord record = queue.poll(500, TimeUnit.MILLISECONDS);
                    if (record == null) {
                        if (consumer.failure() != null) {
                            throw new IllegalStateException("the rewards consumer failed", consumer.failure());
                        }
                        continue;
                    }
                    Optional<CompletedVersion> done = session.accept(record);
                    if (done.isPresent()) {
                        finish(done.get(), trainer, checkpoints, publisher);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            if (running) {
                failure = e;
                LOG.errorf(e, "training stopped: %s", e.getMessage());
            }
        } finally {
            if (consumer != null) {
                consumer.stop();
            }
            policyLoaded = false;
        }
    }

    private TrainingSession.Trainer adapter(PolicyTrainer trainer) {
        return new TrainingSession.Trainer() {
            @Override
            public Map<String, Double> step(List<ScoredRollout> batch) {
                PpoStep.Result r = trainer.step(batch);
                klCoefficient = trainer.klCoefficient();
                Map<String, Double> m = new LinkedHashMap<>(r.metrics());
                m.put("optimizer/learning_rate", trainer.currentLearningRate());
                return m;
            }

            @Override
            public double klCoefficient() {
                return trainer.klCoefficient();
            }
        };
    }

    /** Checkpoint (with the offsets, in the hashed manifest), then announce. */
    private void finish(CompletedVersion v, PolicyTrainer trainer, PolicyCheckpoints checkpoints, PolicyPublisher publisher) {
        Instant now = Instant.now();
        PolicyPublished.Builder event = PolicyPublished.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setCreatedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setVersion(v.version())
                .setParentVersion(v.parentVersion())
                .setRewardModelVersion(v.rewardModelVersion())
                .putAllMetrics(v.metrics());
        for (Range r : v.lineage()) {
            event.addLineage(OffsetRange.newBuilder().setTopic(r.partition().topic()).setPartition(r.partition().partition())
                    .setFromOffset(r.from()).setToOffset(r.to()));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(PolicyCheckpoints.VERSION, Long.toString(v.version()));
        metadata.put(PolicyCheckpoints.PARENT, Long.toString(v.parentVersion()));
        metadata.put(PolicyCheckpoints.REWARD_MODEL_VERSION, Long.toString(v.rewardModelVersion()));
        metadata.put(PolicyCheckpoints.ALGORITHM, settings.ppo().estimator().name().toLowerCase());
        metadata.put(PolicyCheckpoints.KL_COEFFICIENT, Double.toString(v.klCoefficient()));
        metadata.put(PolicyCheckpoints.RESUME_POSITIONS, OffsetCodec.positions(v.resumePositions()));
        metadata.put(PolicyCheckpoints.LINEAGE, OffsetCodec.ranges(v.lineage()));
        metadata.put(PolicyCheckpoints.PUBLISHED_EVENT, Base64.getEncoder().encodeToString(event.build().toByteArray()));
        PolicyCheckpoints.Written written = checkpoints.write(v.version(), trainer.policy(), metadata);
        counters.policyVersion.set(v.version());
        PolicyPublished published = event.setCheckpointUri(written.location().toString()).setSha256(written.sha256()).build();
        publisher.publish(published);
        counters.versionsPublished.incrementAndGet();
        LOG.infof("policy version %d published: %s, lineage %s, objective/scores %.4f, objective/kl %.4f, policy/clipfrac %.3f, "
                        + "dropped stale %d, dead-lettered %d", v.version(), written.location(), OffsetCodec.ranges(v.lineage()),
                v.metrics().getOrDefault("objective/scores", Double.NaN), v.metrics().getOrDefault("objective/kl", Double.NaN),
                v.metrics().getOrDefault("policy/clipfrac", Double.NaN),
                v.metrics().getOrDefault("counts/dropped_stale", 0.0).longValue(),
                v.metrics().getOrDefault("counts/dead_lettered", 0.0).longValue());
    }

    /** A checkpoint newer than the topic's newest version was written but a crash kept it from being announced. */
    private void recoverUnpublished(PolicyPublisher publisher, PolicyCheckpoints checkpoints, TrainerState state) {
        if (state.version() == 0) {
            return;
        }
        long published = publisher.latestPublishedVersion(Duration.ofSeconds(60));
        if (published >= state.version()) {
            if (published > state.version()) {
                LOG.warnf("%s holds version %d but the newest checkpoint in %s is %d: was the checkpoint directory "
                        + "replaced? The generator ignores versions until they pass %d", settings.policiesTopic(), published,
                        checkpoints.dir(), state.version(), published);
            }
            return;
        }
        PolicyPublished event;
        try {
            event = PolicyPublished.parseFrom(state.publishedEvent());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("checkpoint " + checkpoints.location(state.version())
                    + ": the stored PolicyPublished does not parse", e);
        }
        Path location = checkpoints.location(state.version());
        publisher.publish(event.toBuilder().setCheckpointUri(location.toString())
                .setSha256(PolicyCheckpoints.sha256(location)).build());
        LOG.infof("policy version %d was checkpointed but not published before a restart; published it now", state.version());
    }
}
