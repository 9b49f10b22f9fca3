package dev.feedloop.cli.run;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.PolicyPublished;
import dev.feedloop.contracts.events.v1.ResponseReward;
import dev.feedloop.contracts.events.v1.RewardModelPublished;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.RolloutScored;
import dev.feedloop.contracts.events.v1.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the run's console and report know about the loop, folded from the events on the topics
 * (the same events the services exchange; nothing private). Plain Java, fed by {@link LoopWatcher};
 * thread-safe (every method is synchronized: one writer, the status line and report as readers).
 */
public final class LoopState {
    /** Window of the rates (rollouts/s, feedback/s) and of the mean reward. */
    static final Duration WINDOW = Duration.ofSeconds(30);

    /** One published policy version. */
    public record PolicyVersion(long version, long parentVersion, Instant publishedAt, String checkpointUri,
                                String sha256, long rewardModelVersion, Map<String, Double> metrics,
                                List<String> lineage) {}

    /** One published reward-model version. */
    public record RewardModelVersion(long version, Instant publishedAt, double heldOutAccuracy, int heldOutPairs,
                                     Map<String, Double> metrics) {}

    /** The status line's figures. */
    public record Snapshot(long policyVersion, long rewardModelVersion, double rewardModelAccuracy,
                           double meanReward, double kl, double rolloutsPerSecond, double feedbackPerSecond,
                           long rollouts, long feedback, long scored, long consumerLag) {}

    private final Map<Long, PolicyVersion> policies = new TreeMap<>();
    private final Map<Long, RewardModelVersion> rewardModels = new TreeMap<>();
    private final Map<String, Long> feedbackByKind = new TreeMap<>();
    private final Map<String, Long> feedbackBySource = new TreeMap<>();
    private final Deque<Instant> recentRollouts = new ArrayDeque<>();
    private final Deque<Instant> recentFeedback = new ArrayDeque<>();
    private final Deque<double[]> recentRewards = new ArrayDeque<>(); // (epoch ms, mean reward of a rollout)
    private long rollouts;
    private long curatedRollouts;
    private long feedback;
    private long scored;
    private long consumerLag;

    public synchronized void onRollout(RolloutGenerated r, Instant seenAt) {
        rollouts++;
        if (r.getSource() == Source.CURATED) {
            curatedRollouts++;
        }
        recentRollouts.addLast(seenAt);
    }

    public synchronized void onFeedback(FeedbackRecorded f, Instant seenAt) {
        feedback++;
        recentFeedback.addLast(seenAt);
        feedbackByKind.merge(f.getKindCase().name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
        Source s = f.getSource();
        feedbackBySource.merge(s.name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
    }

    public synchronized void onScored(RolloutScored s, Instant seenAt) {
        scored++;
        if (s.getRewardsCount() > 0) {
            double sum = 0;
            for (ResponseReward r : s.getRewardsList()) {
                sum += r.getReward();
            }
            recentRewards.addLast(new double[] {seenAt.toEpochMilli(), sum / s.getRewardsCount()});
        }
    }

    public synchronized void onPolicy(PolicyPublished p) {
        policies.put(p.getVersion(), new PolicyVersion(p.getVersion(), p.getParentVersion(),
                Instant.ofEpochSecond(p.getCreatedAt().getSeconds(), p.getCreatedAt().getNanos()),
                p.getCheckpointUri(), p.getSha256(), p.getRewardModelVersion(), Map.copyOf(p.getMetricsMap()),
                p.getLineageList().stream().map(r -> r.getTopic() + "/" + r.getPartition() + "/" + r.getFromOffset()
                        + "-" + r.getToOffset()).toList()));
    }

    public synchronized void onRewardModel(RewardModelPublished m) {
        rewardModels.put(m.getVersion(), new RewardModelVersion(m.getVersion(),
                Instant.ofEpochSecond(m.getCreatedAt().getSeconds(), m.getCreatedAt().getNanos()),
                m.getHeldoutAccuracy(), m.getHeldoutPairs(), Map.copyOf(m.getMetricsMap())));
    }

    public synchronized void onConsumerLag(long lag) {
        consumerLag = lag;
    }

    /** Rollouts of curated prompts (the run's own) seen since the watcher started. */
    public synchronized long curatedRollouts() {
        return curatedRollouts;
    }

    /** The latest policy version (0 = the base policy). */
    /** Scored rollouts seen ({@code RolloutScored}: the loop's own rollouts; imported ones are not scored). */
    public synchronized long scored() {
        return scored;
    }

    public synchronized long policyVersion() {
        return policies.isEmpty() ? 0 : ((TreeMap<Long, PolicyVersion>) policies).lastKey();
    }

    public synchronized List<PolicyVersion> policies() {
        return new ArrayList<>(policies.values());
    }

    public synchronized List<RewardModelVersion> rewardModels() {
        return new ArrayList<>(rewardModels.values());
    }

    public synchronized Map<String, Long> feedbackByKind() {
        return new TreeMap<>(feedbackByKind);
    }

    public synchronized Map<String, Long> feedbackBySource() {
        return new TreeMap<>(feedbackBySource);
    }

    public synchronized Snapshot snapshot(Instant now) {
        Instant from = now.minus(WINDOW);
        trim(recentRollouts, from);
        trim(recentFeedback, from);
        while (!recentRewards.isEmpty() && recentRewards.peekFirst()[0] < from.toEpochMilli()) {
            recentRewards.removeFirst();
        }
        double seconds = WINDOW.toMillis() / 1000.0;
        double meanReward = recentRewards.stream().mapToDouble(r -> r[1]).average().orElse(Double.NaN);
        long pv = policyVersion();
        double kl = pv == 0 ? Double.NaN : kl(policies.get(pv).metrics());
        RewardModelVersion rm = rewardModels.isEmpty() ? null
                : ((TreeMap<Long, RewardModelVersion>) rewardModels).lastEntry().getValue();
        return new Snapshot(pv, rm == null ? 0 : rm.version(), rm == null ? Double.NaN : rm.heldOutAccuracy(),
                meanReward, kl, recentRollouts.size() / seconds, recentFeedback.size() / seconds,
                rollouts, feedback, scored, consumerLag);
    }

    private static void trim(Deque<Instant> times, Instant from) {
        while (!times.isEmpty() && times.peekFirst().isBefore(from)) {
            times.removeFirst();
        }
    }

    /**
     * A version's mean KL to the reference per response: the exact one ({@code objective/kl_exact},
     * never negative) where the trainer reports it, else TRL's sampled-token estimate.
     */
    public static double kl(Map<String, Double> metrics) {
        return metrics.getOrDefault("objective/kl_exact", metrics.getOrDefault("objective/kl", Double.NaN));
    }
}
