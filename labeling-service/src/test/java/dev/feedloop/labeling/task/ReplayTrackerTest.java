package dev.feedloop.labeling.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayTrackerTest {

    @Test
    void caughtUpOnceEveryPartitionReachedItsStartUpEnd() {
        ReplayTracker tracker = new ReplayTracker();
        tracker.consumed("rollouts", 0, 0);             // consumption may start before the targets are known
        assertFalse(tracker.caughtUp(), "targets unknown");
        tracker.expect("rollouts", 0, 0, 3);
        tracker.expect("rollouts", 1, 0, 0);            // empty partition: nothing to wait for
        tracker.expect("feedback", 0, 5, 6);            // log starts at 5 after retention
        tracker.targetsComplete();
        assertEquals(Map.of("rollouts-0", "1/3", "feedback-0", "0/6"), tracker.behind());

        tracker.consumed("rollouts", 0, 2);             // offset 1 went to the dead-letter topic: still counted
        tracker.consumed("feedback", 0, 5);
        assertTrue(tracker.caughtUp());
        tracker.consumed("rollouts", 0, 1);             // late redelivery does not move it back
        assertTrue(tracker.caughtUp());
    }

    @Test
    void emptyTopicsAreCaughtUpAtOnce() {
        ReplayTracker tracker = new ReplayTracker();
        tracker.targetsComplete();
        assertTrue(tracker.caughtUp());
    }
}
