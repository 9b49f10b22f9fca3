package dev.feedloop.cli.imports;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic ids for imported events: name-based UUIDs (version 3, {@link UUID#nameUUIDFromBytes})
 * of a namespace and the parts that identify a thing in its dataset, joined by a separator that
 * cannot occur in UTF-8 text. The same file row always gets the same rollout, response and event
 * ids, so importing a file twice produces events that consumers deduplicate by {@code event_id}.
 */
public final class ImportIds {
    /** Prefix of every name: changing the mapping in a way that changes events means a new version here. */
    static final String NAMESPACE = "feedloop-import/v1";
    private static final char SEPARATOR = '\u0000';

    private ImportIds() {}

    /** The name-based UUID of {@code kind} and {@code parts}. */
    public static String uuid(String kind, String... parts) {
        StringBuilder name = new StringBuilder(NAMESPACE).append(SEPARATOR).append(kind);
        for (String p : parts) {
            name.append(SEPARATOR).append(p);
        }
        return UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8)).toString();
    }
}
