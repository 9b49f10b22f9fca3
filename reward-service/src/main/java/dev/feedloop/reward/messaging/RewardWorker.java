package dev.feedloop.reward.messaging;

import ai.djl.ndarray.NDManager;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.RewardModelPublished;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.RolloutScored;
import dev.feedloop.reward.config.RewardConfig;
import dev.feedloop.reward.feedback.FeedbackPosition;
import dev.feedloop.reward.loop.LoopStats;
import dev.feedloop.reward.loop.RewardLoop;
import dev.feedloop.reward.training.RewardLearner;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The one model thread ({@code reward-model}): all DJL work and all of {@link RewardLoop}'s state
 * live on it. Consumers and the gRPC service hand it work through two bounded queues: the inbox
 * (feedback, rollouts for the join, gRPC requests; a full inbox blocks the consumers) and the
 * scoring queue (rollouts to score; drained only once rollouts may be scored, see
 * {@link RewardLoop#canScoreRollouts()}). Each turn: drain the inbox, score what waits, run one
 * training step; idle, it waits on the inbox.
 *
 * <p>At start it restores: the latest {@code RewardModelPublished} from the compacted topic and its
 * checkpoint (sha256-checked), whose lineage says which feedback the weights already hold.
 */
@ApplicationScoped
public class RewardWorker {

    private static final Logger LOG = Logger.getLogger(RewardWorker.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(10);
    private static final int INBOX_ITEMS_PER_TURN = 256;
    /** A score the broker would not take is retried this many times in all (a transient broker failure). */
    private static final int MAX_WRITE_ATTEMPTS = 3;

    @Inject
    RewardConfig config;
    @Inject
    ModelEmitter emitter;
    @Inject
    LoopStats stats;
    /** bootstrap.servers and every other kafka.* key (the KAFKA_* security settings among them). */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private BlockingQueue<Consumer<RewardLoop>> inbox;
    private BlockingQueue<PendingRollout> scoring;
    private volatile boolean running;
    private volatile boolean ready;
    private Thread thread;

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        inbox = new ArrayBlockingQueue<>(config.inboxCapacity());
        scoring = new ArrayBlockingQueue<>(config.scoringQueueCapacity());
        running = true;
        thread = new Thread(this::run, "reward-model");
        thread.setDaemon(true);
        thread.start();
    }

    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    /** True once the model is loaded and the loop restored. */
    public boolean ready() {
        return ready;
    }

    /** Blocks while the inbox is full (back-pressure on the feedback consumer). */
    public void feedback(FeedbackRecorded feedback, FeedbackPosition position) throws InterruptedException {
        awaitStarted().put(loop -> loop.onFeedback(feedback, position));
    }

    /** Blocks while the inbox is full. */
    public void rollout(RolloutGenerated rollout) throws InterruptedException {
        awaitStarted().put(loop -> loop.onRollout(rollout));
    }

    /** Blocks while the scoring queue is full: before version 1 exists that pauses the scoring consumer. */
    public void score(RolloutGenerated rollout, org.eclipse.microprofile.reactive.messaging.Message<?> message)
            throws InterruptedException {
        awaitStarted();
        scoring.put(new PendingRollout(rollout, message));
    }

    /** Rewards of texts; fails at once when not ready or the inbox is full. */
    public CompletableFuture<RewardLoop.Scores> scoreTexts(List<String> prompts, List<String> responses) {
        CompletableFuture<RewardLoop.Scores> result = new CompletableFuture<>();
        if (!ready) {
            result.completeExceptionally(new IllegalStateException("the reward model is still loading"));
        } else if (!inbox.offer(loop -> {
            try {
                result.complete(loop.scoreTexts(prompts, responses));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        })) {
            result.completeExceptionally(new IllegalStateException("the model thread's inbox is full"));
        }
        return result;
    }

    private BlockingQueue<Consumer<RewardLoop>> awaitStarted() throws InterruptedException {
        // the channels can deliver before the StartupEvent observer has started the worker
        while (inbox == null) {
            Thread.sleep(20);
        }
        return inbox;
    }

    private void run() {
        RewardLoop loop;
        try {
            loop = restore();
        } catch (InterruptedException e) {
            return;
        } catch (RuntimeException e) {
            LOG.errorf(e, "the reward model could not be loaded; the service stays not ready");
            return;
        }
        ready = true;
        while (running) {
            try {
                boolean worked = drainInbox(loop);
                worked |= scoreWaiting(loop);
                if (loop.hasTrainingWork()) {
                    loop.trainStep().ifPresent(p -> publish(loop, p));
                    worked = true;
                }
                if (loop.hasReplayWork()) {
                    loop.replayStep();  // earned by the steps on new pairs (replay-ratio)
                    worked = true;
                }
                if (!worked) {
                    Consumer<RewardLoop> work = inbox.poll(100, TimeUnit.MILLISECONDS);
                    if (work != null) {
                        apply(loop, work);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "model thread turn failed; going on");
            }
        }
    }

    private boolean drainInbox(RewardLoop loop) {
        boolean worked = false;
        for (int i = 0; i < INBOX_ITEMS_PER_TURN; i++) {
            Consumer<RewardLoop> work = inbox.poll();
            if (work == null) {
                break;
            }
            apply(loop, work);
            worked = true;
        }
        return worked;
    }

    private static void apply(RewardLoop loop, Consumer<RewardLoop> work) {
        try {
            work.accept(loop);
        } catch (RuntimeException e) {
            LOG.errorf(e, "processing an event failed; it is skipped");
        }
    }

    private boolean scoreWaiting(RewardLoop loop) {
        if (scoring.isEmpty() || !loop.canScoreRollouts()) {
            return false;
        }
        List<PendingRollout> batch = new ArrayList<>();
        int sequences = 0;
        while (sequences < config.scoreBatchSize() && !scoring.isEmpty()) {
            PendingRollout p = scoring.poll();
            batch.add(p);
            sequences += p.rollout().getResponsesCount();
        }
        List<RolloutScored> scored;
        try {
            scored = loop.score(batch.stream().map(PendingRollout::rollout).toList());
        } catch (RuntimeException e) {
            LOG.errorf(e, "scoring %d rollouts failed; they go to the dead-letter topic", batch.size());
            batch.forEach(p -> p.message().nack(e));
            return true;
        }
        for (int i = 0; i < batch.size(); i++) {
            PendingRollout pending = batch.get(i);
            emitter.send(scored.get(i)).whenComplete((ok, failure) -> {
                if (failure == null) {
                    pending.message().ack();  // the offset is committed only now (throttled strategy)
                } else if (pending.failedWrites() + 1 < MAX_WRITE_ATTEMPTS && scoring.offer(
                        new PendingRollout(pending.rollout(), pending.message(), pending.failedWrites() + 1))) {
                    LOG.warnf("writing the score of rollout %s failed (%s); it will be scored again",
                            pending.rollout().getRolloutId(), failure.getMessage());
                } else {
                    LOG.errorf(failure, "writing the score of rollout %s failed %d times; it goes to the dead-letter topic",
                            pending.rollout().getRolloutId(), pending.failedWrites() + 1);
                    pending.message().nack(failure);
                }
            });
        }
        return true;
    }

    private void publish(RewardLoop loop, RewardLoop.Publication p) {
        try {
            emitter.send(p.event()).toCompletableFuture().get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            loop.published(p);
            LOG.infof("published reward model version %d (held-out accuracy %.4f on %d pairs)", p.version(),
                    p.event().getHeldoutAccuracy(), p.event().getHeldoutPairs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the version number stays used (its directory exists); the next evaluation tries again
            LOG.errorf(e, "RewardModelPublished version %d was not acknowledged; version %d stays published",
                    p.version(), loop.publishedVersion());
        }
    }

    private RewardLoop restore() throws InterruptedException {
        Optional<RewardModelPublished> latest = readLatest();
        Path checkpointDir = Path.of(config.checkpointDir()).toAbsolutePath().normalize();
        NDManager root = NDManager.newBaseManager();
        RewardLearner learner = null;
        Optional<RewardModelPublished> loaded = Optional.empty();
        if (latest.isPresent()) {
            RewardModelPublished e = latest.get();
            try {
                learner = RewardLearner.fromCheckpoint(root, checkpointPath(e.getCheckpointUri()), e.getVersion(),
                        e.getSha256(), config.maxTokens(), config.learningRate(), config.scoreBatchSize());
                loaded = latest;
                LOG.infof("restored reward model version %d from %s; feedback already in it: %s", e.getVersion(),
                        e.getCheckpointUri(), e.getLineageList().stream()
                                .map(r -> "p" + r.getPartition() + ":" + r.getFromOffset() + "-" + r.getToOffset()).toList());
            } catch (RuntimeException failure) {
                LOG.errorf("reward model version %d cannot be restored (%s); starting again from the base model, "
                        + "all feedback will be trained on again", e.getVersion(), failure.getMessage());
            }
        }
        if (learner == null) {
            learner = RewardLearner.fromBase(root, Path.of(config.baseModel()).toAbsolutePath().normalize(),
                    Path.of(config.baseTokenizer()).toAbsolutePath().normalize(), config.maxTokens(),
                    config.learningRate(), config.scoreBatchSize());
        }
        long highest = Math.max(latest.map(RewardModelPublished::getVersion).orElse(0L), highestDirectory(checkpointDir));
        RewardLoop.Settings s = new RewardLoop.Settings(config.publishEvery(), checkpointDir,
                config.scoreBeforeFirstVersion(), config.batchSize(), config.seed(), config.heldoutFraction(),
                config.replayCapacity(), config.heldoutCapacity(), config.join().maxRollouts(),
                config.join().maxPendingFeedback(), config.join().dedupCapacity(), config.tiesAsSoftLabels(),
                config.gate().minImprovement(), config.gate().minHeldoutPairs(), config.replayRatio(),
                config.importWeight(), config.gate().liveFeedbackFirst());
        LOG.infof("reward model version %d serving; next version %d; checkpoints in %s", learner.publishedVersion(),
                highest + 1, checkpointDir);
        return new RewardLoop(learner, s, loaded, highest + 1, Clock.systemUTC(), stats);
    }

    private Optional<RewardModelPublished> readLatest() throws InterruptedException {
        while (running) {
            try {
                return LatestRewardModel.read(kafkaConfig, RESTORE_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.warnf("cannot read the published reward models yet (%s); retrying", e.getMessage());
                Thread.sleep(1000);
            }
        }
        throw new InterruptedException("stopped");
    }

    static Path checkpointPath(String uri) {
        return (uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri)).toAbsolutePath().normalize();
    }

    /** The highest {@code v<N>} directory: a version written whose event never got out keeps its number. */
    static long highestDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(p -> p.getFileName().toString()).filter(n -> n.matches("v\\d{1,18}"))
                    .mapToLong(n -> Long.parseLong(n.substring(1))).max().orElse(0);
        } catch (IOException e) {
            throw new IllegalStateException("feedloop.reward.checkpoint-dir = " + dir + ": cannot list: " + e.getMessage(), e);
        }
    }
}
