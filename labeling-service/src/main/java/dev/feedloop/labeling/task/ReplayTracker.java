package dev.feedloop.labeling.task;

import java.util.HashMap;
import java.util.Map;

/**
 * Knows whether the queue has replayed its topics up to where they ended when the service started.
 * Until then the queue is incomplete: it could lease a task whose quorum is already met or take a
 * repeated event_id for a new one, so the service is not ready and refuses calls.
 *
 * <p>{@link #expect} sets a target per partition (the end offset at start-up) once it is known;
 * {@link #consumed} may run before or after it. Thread-safe.
 */
public final class ReplayTracker {

    private final Map<String, Long> targets = new HashMap<>();
    private final Map<String, Long> next = new HashMap<>();
    private boolean targetsKnown;

    /** Records must be replayed up to {@code endOffset} (exclusive) of this partition; {@code startOffset} is its first. */
    public synchronized void expect(String topic, int partition, long startOffset, long endOffset) {
        if (endOffset > startOffset) {
            targets.put(topic + "-" + partition, endOffset);
        }
    }

    /** Every partition's target has been given. */
    public synchronized void targetsComplete() {
        targetsKnown = true;
    }

    /** A record was handled (parsed or sent to the dead-letter topic). */
    public synchronized void consumed(String topic, int partition, long offset) {
        next.merge(topic + "-" + partition, offset + 1, Math::max);
    }

    public synchronized boolean caughtUp() {
        if (!targetsKnown) {
            return false;
        }
        for (Map.Entry<String, Long> target : targets.entrySet()) {
            if (next.getOrDefault(target.getKey(), 0L) < target.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Partitions still behind, as "topic-partition: next/target", for the readiness check. */
    public synchronized Map<String, String> behind() {
        Map<String, String> behind = new HashMap<>();
        targets.forEach((key, target) -> {
            long at = next.getOrDefault(key, 0L);
            if (at < target) {
                behind.put(key, at + "/" + target);
            }
        });
        return behind;
    }
}
