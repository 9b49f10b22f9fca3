package dev.feedloop.reward.feedback;

import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * Remembers the last {@code capacity} event ids: {@link #firstTime} is true once per id. Feedback is
 * deduplicated by {@code event_id} (the labeling service's idempotency key), so a client retry or
 * a producer resend is counted once. Ids older than the last {@code capacity} are forgotten.
 */
public final class EventIdDedup {

    private final int capacity;
    private final LinkedHashSet<String> seen = new LinkedHashSet<>();

    public EventIdDedup(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("dedup capacity " + capacity + " must be >= 1");
        }
        this.capacity = capacity;
    }

    /** True the first time {@code eventId} is offered, false for a repeat. */
    public boolean firstTime(String eventId) {
        if (!seen.add(eventId)) {
            return false;
        }
        if (seen.size() > capacity) {
            Iterator<String> oldest = seen.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    public int size() {
        return seen.size();
    }
}
