package dev.feedloop.labeling.dashboard;

import com.google.protobuf.Timestamp;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.OffsetRange;
import dev.feedloop.contracts.events.v1.PolicyPublished;
import dev.feedloop.contracts.events.v1.RewardModelPublished;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the loop's dashboard shows, as a fold over the events the labeling service reads: policy
 * versions ({@code PolicyPublished}) and reward-model versions ({@code RewardModelPublished}) with
 * their metrics, feedback counts by kind and source ({@code FeedbackRecorded}), and samples of the
 * topics' end offsets and consumer groups' lag (from the broker's admin API), turned into
 * throughput. {@link #snapshot} is what {@code GET /api/v1/dashboard} returns.
 *
 * <p>Versions are keyed by version number and feedback is counted once per (partition, offset), so
 * redelivered or replayed records change nothing. Thread-safe.
 */
public final class DashboardState {

    /** Throughput is the growth of a topic's end offset over this window. */
    static final Duration RATE_WINDOW = Duration.ofSeconds(10);

    /** One policy version. metrics as published (TRL names: "objective/kl", "objective/scores", ...). */
    public record PolicyVersion(long version, long parentVersion, long rewardModelVersion, Instant publishedAt,
                                String checkpointUri, Map<String, Double> metrics, List<Range> lineage) {
    }

    /** One reward-model version. */
    public record RewardModelVersion(long version, Instant publishedAt, double heldoutAccuracy, int heldoutPairs,
                                     Map<String, Double> metrics, List<Range> lineage) {
    }

    /** An offset range of one partition, both ends inclusive. */
    public record Range(String topic, int partition, long fromOffset, long toOffset) {
        public long records() {
            return toOffset - fromOffset + 1;
        }
    }

    /**
     * One topic's traffic.
     *
     * @param endOffset         the sum of its partitions' end offsets: records ever written
     * @param recordsPerSecond  growth of endOffset over the last {@link #RATE_WINDOW}; NaN until two samples
     * @param lagByGroup        consumer group → records behind the end (committed offsets only)
     */
    public record TopicTraffic(String topic, long endOffset, double recordsPerSecond, Map<String, Long> lagByGroup) {
    }

    /**
     * @param currentPolicy  the highest policy version, with its lineage; null before the first
     * @param metricNames    every metric name any policy version carries, sorted
     * @param feedbackCounts kind (ranking, score, ...) → source (ANNOTATOR, ...) → events
     * @param offsetsAt      when the topics were last sampled; null before the first sample
     */
    public record Snapshot(List<PolicyVersion> policies, PolicyVersion currentPolicy, List<RewardModelVersion> rewardModels,
                           Set<String> metricNames, Map<String, Map<String, Long>> feedbackCounts, long feedbackTotal,
                           List<TopicTraffic> topics, Instant offsetsAt) {
    }

    private final TreeMap<Long, PolicyVersion> policies = new TreeMap<>();
    private final TreeMap<Long, RewardModelVersion> rewardModels = new TreeMap<>();
    private final Map<String, Map<String, Long>> feedbackCounts = new TreeMap<>();
    private final Map<Integer, Long> feedbackNextOffset = new HashMap<>();
    private long feedbackTotal;
    private final Map<String, Deque<Sample>> endOffsetSamples = new TreeMap<>();
    private Map<String, Map<String, Long>> lag = Map.of();
    private Instant offsetsAt;

    private record Sample(Instant at, long endOffset) {
    }

    public synchronized void onPolicy(PolicyPublished p) {
        policies.put(p.getVersion(), new PolicyVersion(p.getVersion(), p.getParentVersion(), p.getRewardModelVersion(),
                instant(p.getCreatedAt()), p.getCheckpointUri(), new TreeMap<>(p.getMetricsMap()), ranges(p.getLineageList())));
    }

    public synchronized void onRewardModel(RewardModelPublished m) {
        rewardModels.put(m.getVersion(), new RewardModelVersion(m.getVersion(), instant(m.getCreatedAt()),
                m.getHeldoutAccuracy(), m.getHeldoutPairs(), new TreeMap<>(m.getMetricsMap()), ranges(m.getLineageList())));
    }

    /** Counts one feedback record, once per (partition, offset): the consumer reads one topic from the beginning. */
    public synchronized void onFeedback(int partition, long offset, FeedbackRecorded feedback) {
        if (offset < feedbackNextOffset.getOrDefault(partition, 0L)) {
            return;  // redelivered
        }
        feedbackNextOffset.put(partition, offset + 1);
        String kind = feedback.getKindCase() == FeedbackRecorded.KindCase.KIND_NOT_SET
                ? "none" : feedback.getKindCase().name().toLowerCase();
        feedbackCounts.computeIfAbsent(kind, k -> new TreeMap<>()).merge(feedback.getSource().name(), 1L, Long::sum);
        feedbackTotal++;
    }

    /**
     * One sample of the broker.
     *
     * @param endOffsets topic → sum of its partitions' end offsets
     * @param lag        topic → consumer group → records behind
     */
    public synchronized void onOffsets(Instant at, Map<String, Long> endOffsets, Map<String, Map<String, Long>> lag) {
        endOffsets.forEach((topic, end) -> {
            Deque<Sample> samples = endOffsetSamples.computeIfAbsent(topic, t -> new ArrayDeque<>());
            samples.addLast(new Sample(at, end));
            while (samples.size() > 2 && samples.peekFirst().at().isBefore(at.minus(RATE_WINDOW))) {
                samples.removeFirst();
            }
        });
        this.lag = Map.copyOf(lag);
        this.offsetsAt = at;
    }

    public synchronized Snapshot snapshot() {
        Set<String> metricNames = new java.util.TreeSet<>();
        policies.values().forEach(p -> metricNames.addAll(p.metrics().keySet()));
        List<TopicTraffic> topics = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>(endOffsetSamples.keySet());
        names.addAll(lag.keySet());
        for (String topic : names) {
            Deque<Sample> samples = endOffsetSamples.getOrDefault(topic, new ArrayDeque<>());
            double rate = Double.NaN;
            if (samples.size() >= 2) {
                double seconds = Duration.between(samples.peekFirst().at(), samples.peekLast().at()).toMillis() / 1000.0;
                rate = seconds <= 0 ? Double.NaN : (samples.peekLast().endOffset() - samples.peekFirst().endOffset()) / seconds;
            }
            long end = samples.isEmpty() ? 0 : samples.peekLast().endOffset();
            topics.add(new TopicTraffic(topic, end, rate, new TreeMap<>(lag.getOrDefault(topic, Map.of()))));
        }
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        feedbackCounts.forEach((kind, bySource) -> counts.put(kind, new TreeMap<>(bySource)));
        return new Snapshot(List.copyOf(policies.values()), policies.isEmpty() ? null : policies.lastEntry().getValue(),
                List.copyOf(rewardModels.values()), metricNames, counts, feedbackTotal, topics, offsetsAt);
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    private static List<Range> ranges(List<OffsetRange> lineage) {
        return lineage.stream().map(r -> new Range(r.getTopic(), r.getPartition(), r.getFromOffset(), r.getToOffset())).toList();
    }
}
