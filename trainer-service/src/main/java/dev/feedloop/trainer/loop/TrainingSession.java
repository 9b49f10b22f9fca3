package dev.feedloop.trainer.loop;

import dev.feedloop.ml.train.ScoredRollout;
import dev.feedloop.trainer.lineage.OffsetLedger;
import dev.feedloop.trainer.lineage.PartitionKey;
import dev.feedloop.trainer.rollout.DecodedRollout;
import dev.feedloop.trainer.rollout.Staleness;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The trainer's bookkeeping between consumed records and policy versions, with no Kafka and no
 * threads: every record is entered in the {@link OffsetLedger}; a dead-lettered one stops there, a
 * stale one (see {@link Staleness}) or one sampled at another temperature is dropped and counted;
 * the rest fill a batch of {@code batchSize} rollouts (each with its K responses); a full batch is
 * one training step; {@code stepsPerVersion} steps make a version, whose lineage is everything
 * consumed since the previous one.
 */
public final class TrainingSession {

    private static final System.Logger LOG = System.getLogger(TrainingSession.class.getName());

    /** The optimisation step; {@code PolicyTrainer} in the service. */
    public interface Trainer {
        Map<String, Double> step(List<ScoredRollout> batch);

        double klCoefficient();
    }

    private final Trainer trainer;
    private final OffsetLedger ledger;
    private final Staleness staleness;
    private final int batchSize;
    private final int stepsPerVersion;
    private final float temperature;
    private final TrainerCounters counters;

    private long version;
    private final List<ScoredRollout> batch = new ArrayList<>();
    private int rolloutsInBatch;
    private int stepsInVersion;
    private long rewardModelVersion;
    private final Map<String, double[]> metricSums = new TreeMap<>(); // sum, count
    private final List<Float> scores = new ArrayList<>();
    private long versionStale;
    private long versionTemperature;
    private long versionDeadLettered;
    private long versionRollouts;
    private long versionResponseTokens;
    private long versionStartNanos = System.nanoTime();

    /**
     * @param version            the version trained from (0 = base)
     * @param resumePositions    next offset per partition, from its checkpoint
     * @param rewardModelVersion from its checkpoint (-1 at the base)
     * @param batchSize          rollouts (RolloutScored events) per step
     * @param stepsPerVersion    steps per published version
     * @param temperature        the PPO temperature: rollouts whose log-probs were taken at another are dropped
     */
    public TrainingSession(Trainer trainer, long version, Map<PartitionKey, Long> resumePositions, long rewardModelVersion,
            Staleness staleness, int batchSize, int stepsPerVersion, float temperature, TrainerCounters counters) {
        if (batchSize < 1 || stepsPerVersion < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " and steps per version " + stepsPerVersion
                    + " must be >= 1");
        }
        this.trainer = trainer;
        this.version = version;
        this.ledger = new OffsetLedger(resumePositions);
        this.rewardModelVersion = rewardModelVersion;
        this.staleness = staleness;
        this.batchSize = batchSize;
        this.stepsPerVersion = stepsPerVersion;
        this.temperature = temperature;
        this.counters = counters;
    }

    /** The newest version (the one training continues from). */
    public long version() {
        return version;
    }

    /** Rollouts waiting in the current, unfinished batch. */
    public int pendingRollouts() {
        return rolloutsInBatch;
    }

    public OffsetLedger ledger() {
        return ledger;
    }

    /** Takes one record; returns a version when this record completed one. */
    public Optional<CompletedVersion> accept(ConsumedRecord record) {
        ledger.consumed(record.partition(), record.offset());
        counters.records.incrementAndGet();
        if (record.isDeadLettered()) {
            versionDeadLettered++;
            return Optional.empty();
        }
        DecodedRollout rollout = record.rollout();
        if (staleness.isStale(rollout.policyVersion(), version)) {
            versionStale++;
            counters.droppedStale.incrementAndGet();
            LOG.log(Level.INFO, "rollout {0} at {1}/{2} dropped: sampled by policy version {3}, {4} versions behind {5} "
                    + "(max-policy-lag {6})", rollout.rolloutId(), record.partition(), String.valueOf(record.offset()),
                    rollout.policyVersion(), staleness.lag(rollout.policyVersion(), version), version,
                    staleness.maxPolicyLag());
            return Optional.empty();
        }
        if (Math.abs(rollout.logProbTemperature() - temperature) > 1e-4f) {
            versionTemperature++;
            counters.droppedTemperature.incrementAndGet();
            LOG.log(Level.INFO, "rollout {0} dropped: its log-probs are at temperature {1}, PPO runs at {2}",
                    rollout.rolloutId(), rollout.logProbTemperature(), temperature);
            return Optional.empty();
        }
        batch.addAll(rollout.responses());
        rolloutsInBatch++;
        rewardModelVersion = rollout.rewardModelVersion();
        if (rolloutsInBatch < batchSize) {
            return Optional.empty();
        }
        step();
        if (stepsInVersion < stepsPerVersion) {
            return Optional.empty();
        }
        return Optional.of(closeVersion());
    }

    private void step() {
        Map<String, Double> m = trainer.step(List.copyOf(batch));
        for (Map.Entry<String, Double> e : m.entrySet()) {
            if (e.getValue() != null && Double.isFinite(e.getValue())) {
                double[] s = metricSums.computeIfAbsent(e.getKey(), k -> new double[2]);
                s[0] += e.getValue();
                s[1]++;
            }
        }
        for (ScoredRollout r : batch) {
            scores.add(r.score());
            versionResponseTokens += r.response().length;
        }
        counters.steps.incrementAndGet();
        counters.rolloutsTrained.addAndGet(rolloutsInBatch);
        counters.responsesTrained.addAndGet(batch.size());
        counters.lastStep.set(Map.copyOf(m));
        versionRollouts += rolloutsInBatch;
        stepsInVersion++;
        batch.clear();
        rolloutsInBatch = 0;
    }

    private CompletedVersion closeVersion() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metricSums.forEach((k, s) -> metrics.put(k, s[0] / s[1]));
        double mean = 0;
        for (float s : scores) {
            mean += s;
        }
        mean /= scores.size();
        double var = 0;
        for (float s : scores) {
            var += (s - mean) * (s - mean);
        }
        metrics.put("reward/mean", mean);
        metrics.put("reward/std", Math.sqrt(var / scores.size()));
        metrics.put("objective/scores", mean);
        metrics.put("response_length", versionResponseTokens / (double) scores.size());
        metrics.put("counts/steps", (double) stepsInVersion);
        metrics.put("counts/rollouts", (double) versionRollouts);
        metrics.put("counts/responses", (double) scores.size());
        metrics.put("counts/dropped_stale", (double) versionStale);
        metrics.put("counts/dropped_temperature", (double) versionTemperature);
        metrics.put("counts/dead_lettered", (double) versionDeadLettered);
        metrics.put("counts/records", (double) ledger.pendingRecords());
        metrics.put("time/version_seconds", (System.nanoTime() - versionStartNanos) / 1e9);

        long parent = version;
        version++;
        CompletedVersion done = new CompletedVersion(version, parent, ledger.closeVersion(), ledger.resumePositions(),
                rewardModelVersion, trainer.klCoefficient(), metrics);
        metricSums.clear();
        scores.clear();
        stepsInVersion = 0;
        versionStale = versionTemperature = versionDeadLettered = versionRollouts = versionResponseTokens = 0;
        versionStartNanos = System.nanoTime();
        return done;
    }
}
