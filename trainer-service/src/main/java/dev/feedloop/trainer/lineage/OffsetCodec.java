package dev.feedloop.trainer.lineage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Text forms of positions and ranges kept in a checkpoint manifest's metadata (and so covered by
 * the sha256 that {@code PolicyPublished} names):
 * positions {@code feedloop.rewards.v1/0:42,feedloop.rewards.v1/1:17} (next offset to read),
 * ranges {@code feedloop.rewards.v1/0/30-41} (inclusive). Kafka topic names are made of
 * {@code [a-zA-Z0-9._-]}, so ':' '/' ',' never occur in them.
 */
public final class OffsetCodec {

    private OffsetCodec() {
    }

    public static String positions(Map<PartitionKey, Long> positions) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<PartitionKey, Long> e : new TreeMap<>(positions).entrySet()) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(e.getKey()).append(':').append(e.getValue());
        }
        return out.toString();
    }

    /** @throws IllegalArgumentException naming the bad entry */
    public static Map<PartitionKey, Long> parsePositions(String text) {
        Map<PartitionKey, Long> out = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String entry : text.split(",")) {
            int colon = entry.lastIndexOf(':');
            int slash = entry.lastIndexOf('/', colon);
            if (colon < 0 || slash < 0) {
                throw new IllegalArgumentException("offset position '" + entry + "' is not topic/partition:offset");
            }
            try {
                PartitionKey key = new PartitionKey(entry.substring(0, slash), Integer.parseInt(entry.substring(slash + 1, colon)));
                long offset = Long.parseLong(entry.substring(colon + 1));
                if (offset < 0) {
                    throw new IllegalArgumentException("negative offset");
                }
                out.put(key, offset);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("offset position '" + entry + "': " + e.getMessage(), e);
            }
        }
        return out;
    }

    public static String ranges(List<Range> ranges) {
        return String.join(",", ranges.stream().map(Range::toString).toList());
    }

    public static List<Range> parseRanges(String text) {
        List<Range> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String entry : text.split(",")) {
            int dash = entry.lastIndexOf('-');
            int slash = entry.lastIndexOf('/');
            int partitionSlash = entry.lastIndexOf('/', slash - 1);
            if (dash < slash || partitionSlash < 0) {
                throw new IllegalArgumentException("offset range '" + entry + "' is not topic/partition/from-to");
            }
            PartitionKey key = new PartitionKey(entry.substring(0, partitionSlash),
                    Integer.parseInt(entry.substring(partitionSlash + 1, slash)));
            out.add(new Range(key, Long.parseLong(entry.substring(slash + 1, dash)), Long.parseLong(entry.substring(dash + 1))));
        }
        return out;
    }
}
