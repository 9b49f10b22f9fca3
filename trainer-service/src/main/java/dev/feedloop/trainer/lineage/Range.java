package dev.feedloop.trainer.lineage;

/** Offsets {@code from..to} of one partition, both inclusive (as the contracts' {@code OffsetRange}). */
public record Range(PartitionKey partition, long from, long to) {

    public Range {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException(partition + ": range " + from + ".." + to + " is empty or negative");
        }
    }

    public long count() {
        return to - from + 1;
    }

    @Override
    public String toString() {
        return partition + "/" + from + "-" + to;
    }
}
