package dev.feedloop.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void everyTopicHasADeadLetterTopicAndOnlyVersionTopicsAreCompacted() {
        assertEquals(12, Topics.all().size());
        for (Topics.Spec spec : Topics.MAIN) {
            assertEquals(Topics.dlq(spec.name()), spec.dlq().orElseThrow());
            assertEquals(spec.name().equals(Topics.POLICIES) || spec.name().equals(Topics.REWARD_MODELS), spec.compacted(),
                    spec.name());
        }
        assertFalse(Topics.spec(Topics.ROLLOUTS_DLQ).compacted());
        assertTrue(Topics.spec(Topics.POLICIES).compacted());
        assertEquals("feedloop.feedback.v1.dlq", Topics.FEEDBACK_DLQ);
    }
}
