package dev.feedloop.reward.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.reward.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedbackJoinTest {

    final List<FeedbackJoin.Waiting> evicted = new ArrayList<>();
    final RolloutGenerated r1 = Fixtures.rollout("r1", "Once", "a", "b");
    final RolloutGenerated r2 = Fixtures.rollout("r2", "Lily", "c", "d");

    @Test
    void feedbackOnAKnownRolloutJoinsAtOnce() {
        FeedbackJoin join = new FeedbackJoin(10, 10, evicted::add);
        assertEquals(List.of(), join.offerRollout(r1));
        FeedbackRecorded f = Fixtures.ranking("e1", r1, 1, 0);
        FeedbackJoin.Joined j = join.offerFeedback(f, new FeedbackPosition(0, 7)).orElseThrow();
        assertEquals(r1, j.rollout());
        assertEquals(new FeedbackPosition(0, 7), j.position());
        assertEquals(0, join.pendingCount());
    }

    @Test
    void feedbackBeforeItsRolloutWaitsAndIsReleasedInArrivalOrder() {
        FeedbackJoin join = new FeedbackJoin(10, 10, evicted::add);
        assertTrue(join.offerFeedback(Fixtures.ranking("e1", r1, 0, 1), new FeedbackPosition(0, 1)).isEmpty());
        assertTrue(join.offerFeedback(Fixtures.ranking("e2", r2, 0, 1), new FeedbackPosition(1, 1)).isEmpty());
        assertTrue(join.offerFeedback(Fixtures.ranking("e3", r1, 1, 0), new FeedbackPosition(0, 2)).isEmpty());
        assertEquals(3, join.pendingCount());

        List<FeedbackJoin.Joined> released = join.offerRollout(r1);

        assertEquals(List.of("e1", "e3"), released.stream().map(j -> j.feedback().getEventId()).toList());
        assertEquals(1, join.pendingCount(), "e2 still waits for r2");
        assertEquals(List.of("e2"), join.offerRollout(r2).stream().map(j -> j.feedback().getEventId()).toList());
        assertEquals(0, join.pendingCount());
        assertTrue(evicted.isEmpty());
    }

    @Test
    void aFullBufferHandsTheOldestWaitingFeedbackToTheEvictionCallback() {
        FeedbackJoin join = new FeedbackJoin(10, 2, evicted::add);
        join.offerFeedback(Fixtures.ranking("e1", r1, 0, 1), new FeedbackPosition(0, 1));
        join.offerFeedback(Fixtures.ranking("e2", r2, 0, 1), new FeedbackPosition(0, 2));
        join.offerFeedback(Fixtures.ranking("e3", r2, 1, 0), new FeedbackPosition(0, 3));

        assertEquals(List.of("e1"), evicted.stream().map(w -> w.feedback().getEventId()).toList());
        assertEquals(2, join.pendingCount());
        assertEquals(List.of(), join.offerRollout(r1), "e1 is gone");
        assertEquals(2, join.offerRollout(r2).size());
    }

    @Test
    void theOldestRolloutIsForgottenBeyondCapacity() {
        FeedbackJoin join = new FeedbackJoin(1, 10, evicted::add);
        join.offerRollout(r1);
        join.offerRollout(r2);
        assertEquals(1, join.rolloutCount());
        assertTrue(join.offerFeedback(Fixtures.ranking("e1", r1, 0, 1), new FeedbackPosition(0, 1)).isEmpty(),
                "r1 forgotten: its feedback waits again");
    }
}
