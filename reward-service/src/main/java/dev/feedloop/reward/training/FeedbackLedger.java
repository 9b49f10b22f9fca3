package dev.feedloop.reward.training;

import dev.feedloop.contracts.events.v1.OffsetRange;
import dev.feedloop.reward.feedback.FeedbackPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which feedback offsets the current weights account for: the lineage of a reward-model version.
 *
 * <p>An offset is <em>settled</em> once everything it contributed is in the weights: its train pairs
 * went through a training step, or it had nothing to train (held out, duplicate, unusable, dropped
 * from the join buffer). Feedback waiting for its rollout, or whose pairs wait for a step, is not
 * settled, so the settled offsets of a partition can have gaps; {@link #lineage()} lists them as
 * contiguous ranges.
 *
 * <p>A ledger starts from the lineage of the version it was loaded from: those offsets are
 * <em>restored</em>: after a restart the topic is read again, and restored feedback goes back into
 * the replay buffer and held-out set but is neither trained on as new nor counted again.
 */
public final class FeedbackLedger {

    /** Accounts for one feedback record: settled when closed and every held pair is released. */
    public final class Ticket {
        private final FeedbackPosition position;
        private int outstanding;
        private boolean closed;

        private Ticket(FeedbackPosition position) {
            this.position = position;
        }

        /** One more pair that must be trained before the offset settles. */
        public void hold() {
            outstanding++;
        }

        /** A held pair was trained on. */
        public void release() {
            outstanding--;
            settleIfDone();
        }

        /** No more pairs will be held. */
        public void close() {
            closed = true;
            settleIfDone();
        }

        private void settleIfDone() {
            if (closed && outstanding == 0) {
                settle(position);
            }
        }
    }

    private final String topic;
    private final Map<Integer, TreeMap<Long, Long>> restored = new TreeMap<>();
    private final Map<Integer, TreeMap<Long, Long>> settled = new TreeMap<>();

    /** @param restoredLineage the loaded version's lineage (ranges of other topics are ignored) */
    public FeedbackLedger(String topic, List<OffsetRange> restoredLineage) {
        this.topic = topic;
        for (OffsetRange r : restoredLineage) {
            if (r.getTopic().equals(topic) && r.getToOffset() >= r.getFromOffset()) {
                for (Map<Integer, TreeMap<Long, Long>> m : List.of(restored, settled)) {
                    add(m.computeIfAbsent(r.getPartition(), p -> new TreeMap<>()), r.getFromOffset(), r.getToOffset());
                }
            }
        }
    }

    /** True if the loaded version already accounted for this record. */
    public boolean isRestored(FeedbackPosition p) {
        TreeMap<Long, Long> ranges = restored.get(p.partition());
        if (ranges == null) {
            return false;
        }
        Map.Entry<Long, Long> range = ranges.floorEntry(p.offset());
        return range != null && range.getValue() >= p.offset();
    }

    public Ticket open(FeedbackPosition p) {
        return new Ticket(p);
    }

    /** Marks one record as accounted for. */
    public void settle(FeedbackPosition p) {
        add(settled.computeIfAbsent(p.partition(), x -> new TreeMap<>()), p.offset(), p.offset());
    }

    /** The settled offsets as contiguous inclusive ranges, by partition then offset. */
    public List<OffsetRange> lineage() {
        List<OffsetRange> out = new ArrayList<>();
        settled.forEach((partition, ranges) -> ranges.forEach((from, to) -> out.add(OffsetRange.newBuilder()
                .setTopic(topic).setPartition(partition).setFromOffset(from).setToOffset(to).build())));
        return out;
    }

    /** Adds [from, to] to a map of disjoint ranges, merging neighbours. */
    private static void add(TreeMap<Long, Long> ranges, long from, long to) {
        Map.Entry<Long, Long> before = ranges.floorEntry(from);
        if (before != null && before.getValue() >= from - 1) {
            from = before.getKey();
            to = Math.max(to, before.getValue());
            ranges.remove(before.getKey());
        }
        Map.Entry<Long, Long> after = ranges.ceilingEntry(from);
        while (after != null && after.getKey() <= to + 1) {
            to = Math.max(to, after.getValue());
            ranges.remove(after.getKey());
            after = ranges.ceilingEntry(from);
        }
        ranges.put(from, to);
    }
}
