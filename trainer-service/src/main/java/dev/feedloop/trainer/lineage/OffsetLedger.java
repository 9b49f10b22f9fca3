package dev.feedloop.trainer.lineage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which offsets the trainer has consumed: the position to resume each partition from (stored in
 * every checkpoint) and the ranges consumed since the last version (that version's lineage).
 *
 * <p>Every consumed record counts, trained on or not (dropped as stale, dead-lettered): lineage
 * says what the version read, so the ranges of consecutive versions tile each partition with no
 * gap and no overlap. A range starts at the resume position rather than at its first record, so a
 * gap in the offsets (a transaction marker) never opens a gap between versions.
 *
 * <p>Worked example: resumed at {@code rewards/0 → 10}; records 10, 11, 13 (12 was a marker) are
 * consumed; {@link #closeVersion()} returns {@code rewards/0/10-13} and the position becomes 14.
 * Not thread-safe: the training thread owns it.
 */
public final class OffsetLedger {

    private final TreeMap<PartitionKey, Long> next;
    private final TreeMap<PartitionKey, Long> versionFrom = new TreeMap<>();
    private final TreeMap<PartitionKey, Long> versionTo = new TreeMap<>();

    /** @param resumeFrom the next offset to read per partition, as stored in the latest checkpoint (empty at the base) */
    public OffsetLedger(Map<PartitionKey, Long> resumeFrom) {
        this.next = new TreeMap<>(resumeFrom);
    }

    /**
     * Records one consumed record.
     *
     * @throws IllegalStateException if it is not after everything consumed from its partition
     *                               (a re-delivery or a seek gone wrong: training on it would count it twice)
     */
    public void consumed(PartitionKey partition, long offset) {
        Long last = versionTo.get(partition);
        long expectedAtLeast = last != null ? last + 1 : next.getOrDefault(partition, 0L);
        if (offset < expectedAtLeast) {
            throw new IllegalStateException(partition + ": offset " + offset + " was already consumed (next is "
                    + expectedAtLeast + ")");
        }
        versionFrom.computeIfAbsent(partition, p -> next.getOrDefault(p, offset));
        versionTo.put(partition, offset);
    }

    /** Records consumed since the last {@link #closeVersion()}. */
    public long pendingRecords() {
        long n = 0;
        for (Map.Entry<PartitionKey, Long> e : versionTo.entrySet()) {
            n += e.getValue() - versionFrom.get(e.getKey()) + 1;
        }
        return n;
    }

    /** The ranges consumed since the last version, without closing them. */
    public List<Range> pendingRanges() {
        List<Range> ranges = new ArrayList<>();
        for (Map.Entry<PartitionKey, Long> e : versionTo.entrySet()) {
            ranges.add(new Range(e.getKey(), versionFrom.get(e.getKey()), e.getValue()));
        }
        return ranges;
    }

    /** Ends a version: returns its lineage (sorted by partition) and advances the resume positions past it. */
    public List<Range> closeVersion() {
        List<Range> ranges = pendingRanges();
        for (Range r : ranges) {
            next.put(r.partition(), r.to() + 1);
        }
        versionFrom.clear();
        versionTo.clear();
        return ranges;
    }

    /** The next offset to read per partition after the last closed version: what a checkpoint stores. */
    public Map<PartitionKey, Long> resumePositions() {
        return Collections.unmodifiableMap(new TreeMap<>(next));
    }
}
