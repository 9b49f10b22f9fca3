package dev.feedloop.reward.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PublishGateTest {

    final PublishGate notWorse = new PublishGate(0.0, 50);

    @Test
    void publishesWhenAccuracyDidNotFall() {
        assertTrue(notWorse.decide(50, 0.62, 0.60).publish());
        assertTrue(notWorse.decide(50, 0.60, 0.60).publish(), "equal is not a fall");
        // 31/50 vs 31/50 computed in different orders: still equal
        assertTrue(notWorse.decide(50, 0.1 + 0.2, 0.3).publish());
        assertFalse(notWorse.decide(50, 0.58, 0.60).publish());
    }

    @Test
    void tooFewHeldOutPairsNeverPublish() {
        PublishGate.Decision d = notWorse.decide(49, 0.99, 0.5);
        assertFalse(d.publish());
        assertEquals("49 held-out pairs, fewer than the 50 required", d.reason());
    }

    @Test
    void aRequiredImprovementOrATolerance() {
        PublishGate better = new PublishGate(0.02, 10);
        assertFalse(better.decide(100, 0.61, 0.60).publish());
        assertTrue(better.decide(100, 0.62, 0.60).publish());
        PublishGate tolerant = new PublishGate(-0.05, 10);
        assertTrue(tolerant.decide(100, 0.56, 0.60).publish());
        assertFalse(tolerant.decide(100, 0.54, 0.60).publish());
    }

    @Test
    void undefinedAccuracyAndBadSettingsAreRefused() {
        assertFalse(notWorse.decide(60, Double.NaN, 0.5).publish());
        assertThrows(IllegalArgumentException.class, () -> new PublishGate(2.0, 1));
        assertThrows(IllegalArgumentException.class, () -> new PublishGate(0.0, 0));
    }
}
