package dev.feedloop.trainer.lineage;

/** One partition of one topic; written {@code topic/partition} (topic names cannot contain '/'). */
public record PartitionKey(String topic, int partition) implements Comparable<PartitionKey> {

    public PartitionKey {
        if (topic == null || topic.isEmpty() || topic.contains("/") || topic.contains(":") || topic.contains(",")) {
            throw new IllegalArgumentException("topic name '" + topic + "' is empty or has '/', ':' or ','");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("partition " + partition + " of " + topic + " must be >= 0");
        }
    }

    @Override
    public int compareTo(PartitionKey o) {
        int c = topic.compareTo(o.topic);
        return c != 0 ? c : Integer.compare(partition, o.partition);
    }

    @Override
    public String toString() {
        return topic + "/" + partition;
    }
}
