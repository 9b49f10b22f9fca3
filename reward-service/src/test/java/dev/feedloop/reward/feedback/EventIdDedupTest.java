package dev.feedloop.reward.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventIdDedupTest {

    @Test
    void anIdCountsOnce() {
        EventIdDedup dedup = new EventIdDedup(10);
        assertTrue(dedup.firstTime("a"));
        assertFalse(dedup.firstTime("a"));
        assertTrue(dedup.firstTime("b"));
        assertFalse(dedup.firstTime("a"));
        assertEquals(2, dedup.size());
    }

    @Test
    void theOldestIdIsForgottenBeyondCapacity() {
        EventIdDedup dedup = new EventIdDedup(2);
        dedup.firstTime("a");
        dedup.firstTime("b");
        dedup.firstTime("c");  // forgets a
        assertFalse(dedup.firstTime("b"));
        assertFalse(dedup.firstTime("c"));
        assertTrue(dedup.firstTime("a"), "a was forgotten");
        assertEquals(2, dedup.size());
        assertThrows(IllegalArgumentException.class, () -> new EventIdDedup(0));
    }
}
