package dev.feedloop.trainer.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StalenessTest {

    @Test
    void lagTwoAtVersionFiveKeepsThreeToFiveAndDropsTwo() {
        Staleness s = new Staleness(2);
        assertFalse(s.isStale(5, 5));
        assertFalse(s.isStale(4, 5));
        assertFalse(s.isStale(3, 5));
        assertTrue(s.isStale(2, 5));
        assertEquals(3, s.lag(2, 5));
        assertFalse(s.isStale(9, 5), "a rollout from a newer version is not stale");
        assertEquals(0, s.lag(9, 5));
    }

    @Test
    void lagZeroKeepsOnlyTheNewestVersion() {
        Staleness s = new Staleness(0);
        assertFalse(s.isStale(1, 1));
        assertTrue(s.isStale(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Staleness(-1));
    }
}
