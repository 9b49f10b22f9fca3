package dev.feedloop.labeling.task;

import static dev.feedloop.labeling.Fixtures.rollout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Score;
import dev.feedloop.contracts.events.v1.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskQueueTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(10);

    private static FeedbackRecorded feedback(String eventId, String rolloutId, String annotator, Source source) {
        return FeedbackRecorded.newBuilder().setEventId(eventId).setRolloutId(rolloutId).setAnnotator(annotator)
                .setSource(source).setScore(Score.newBuilder().setResponseId(rolloutId + "/0").setValue(5)).build();
    }

    private static String taskOf(Optional<Task> task) {
        return task.map(Task::taskId).orElse("none");
    }

    @Test
    void aTaskIsLeasedToOneAnnotatorAtATimeAndClosesAtQuorum() {
        TaskQueue queue = new TaskQueue(2, LEASE, false);
        queue.offer(rollout("r1", 3, Source.CURATED));
        queue.offer(rollout("r2", 3, Source.CURATED));

        Task alice = queue.next("alice", T0).orElseThrow();
        assertEquals("r1", alice.taskId());
        assertEquals(T0.plus(LEASE), alice.leaseExpiresAt());
        assertEquals(List.of("r1/0", "r1/1", "r1/2"), alice.responses().stream().map(Task.TaskResponse::responseId).toList());
        assertEquals("r1", taskOf(queue.next("alice", T0.plusSeconds(5))), "the holder gets the same task again");
        assertEquals("r2", taskOf(queue.next("bob", T0)), "r1 is leased to alice");
        assertEquals("none", taskOf(queue.next("carol", T0)), "both leased");

        queue.record(feedback("e1", "r1", "alice", Source.ANNOTATOR));
        assertEquals("none", taskOf(queue.next("alice", T0)), "alice never gets r1 again; bob holds r2");
        assertEquals("r1", taskOf(queue.next("carol", T0)), "alice's submission released r1");
        queue.record(feedback("e2", "r1", "carol", Source.ANNOTATOR));
        assertEquals(List.of("r2"), queue.openTasks().stream().map(OpenTask::taskId).toList(), "r1 reached quorum 2");
    }

    @Test
    void anExpiredLeaseReturnsTheTask() {
        TaskQueue queue = new TaskQueue(1, LEASE, false);
        queue.offer(rollout("r1", 2, Source.CURATED));
        assertEquals("r1", taskOf(queue.next("alice", T0)));
        assertEquals("none", taskOf(queue.next("bob", T0.plus(LEASE).minusMillis(1))));
        Task bob = queue.next("bob", T0.plus(LEASE)).orElseThrow();
        assertEquals("r1", bob.taskId());
        assertEquals(T0.plus(LEASE).plus(LEASE), bob.leaseExpiresAt());
    }

    @Test
    void productionRolloutsAreKnownButNotTasksAndTheirFeedbackDoesNotCount() {
        TaskQueue queue = new TaskQueue(1, LEASE, false);
        queue.offer(rollout("p1", 2, Source.PRODUCTION));
        assertTrue(queue.rollout("p1").isPresent());
        assertEquals("none", taskOf(queue.next("alice", T0)));
        assertTrue(queue.record(feedback("e1", "p1", "user:abc", Source.PRODUCTION)));
        assertTrue(queue.seen("e1"));

        TaskQueue labelAll = new TaskQueue(1, LEASE, true);
        labelAll.offer(rollout("p1", 2, Source.PRODUCTION));
        assertEquals("p1", taskOf(labelAll.next("alice", T0)));
    }

    @Test
    void importedRolloutsAreKnownButNeverTasks() {
        for (boolean labelProduction : new boolean[] {false, true}) {
            TaskQueue queue = new TaskQueue(1, LEASE, labelProduction);
            queue.offer(rollout("i1", 2, Source.IMPORT));
            queue.offer(rollout("c1", 2, Source.CURATED));
            assertTrue(queue.rollout("i1").isPresent(), "feedback can still refer to it");
            assertEquals("c1", taskOf(queue.next("alice", T0)));
            assertEquals("none", taskOf(queue.next("bob", T0)), "the imported rollout is no task");
        }
    }

    @Test
    void offerAndRecordAreIdempotent() {
        TaskQueue queue = new TaskQueue(2, LEASE, false);
        assertTrue(queue.offer(rollout("r1", 2, Source.CURATED)));
        assertFalse(queue.offer(rollout("r1", 2, Source.CURATED)));
        assertTrue(queue.record(feedback("e1", "r1", "alice", Source.ANNOTATOR)));
        assertFalse(queue.record(feedback("e1", "r1", "bob", Source.ANNOTATOR)), "same event id");
        assertEquals(List.of(new OpenTask("r1", Set.of("alice"), 1)), queue.openTasks());
        assertEquals(1, queue.rolloutCount());
    }

    @Test
    void feedbackReplayedBeforeItsRolloutStillCounts() {
        TaskQueue queue = new TaskQueue(1, LEASE, false);
        queue.record(feedback("e1", "r1", "alice", Source.ANNOTATOR));
        queue.offer(rollout("r1", 2, Source.CURATED));
        assertEquals(List.of(), queue.openTasks(), "quorum already met: no task");
    }

    /** Any interleaving of the two topics, replayed once or twice, gives the same open tasks. */
    @Test
    void aRebuildFromAnyInterleavingEndsWithTheSameOpenTasks() {
        List<RolloutGenerated> rollouts = new ArrayList<>();
        List<FeedbackRecorded> feedback = new ArrayList<>();
        String[] annotators = {"alice", "bob", "carol"};
        Random random = new Random(42);
        for (int r = 0; r < 30; r++) {
            rollouts.add(rollout("r" + r, 3, r % 7 == 0 ? Source.PRODUCTION : Source.CURATED));
            for (String a : annotators) {
                if (random.nextInt(3) == 0) {
                    feedback.add(feedback("e-" + r + "-" + a, "r" + r, a, Source.ANNOTATOR));
                }
            }
        }
        TaskQueue original = new TaskQueue(2, LEASE, false);
        rollouts.forEach(original::offer);
        feedback.forEach(original::record);
        Set<OpenTask> expected = Set.copyOf(original.openTasks());
        assertFalse(expected.isEmpty());

        for (int trial = 0; trial < 5; trial++) {
            List<Object> events = new ArrayList<>(rollouts);
            events.addAll(feedback);
            events.addAll(feedback.subList(0, feedback.size() / 2));  // a redelivered stretch
            Collections.shuffle(events, new Random(trial));
            TaskQueue rebuilt = new TaskQueue(2, LEASE, false);
            for (Object e : events) {
                if (e instanceof RolloutGenerated r) {
                    rebuilt.offer(r);
                } else {
                    rebuilt.record((FeedbackRecorded) e);
                }
            }
            assertEquals(expected, Set.copyOf(rebuilt.openTasks()), "trial " + trial);
            assertEquals(original.openTasks().size(), rebuilt.openTasks().size(), "nothing twice");
        }
    }

    @Test
    void aReleasedTaskGoesBackToTheQueueAndASkippedOneNotToWhoSkippedIt() {
        TaskQueue queue = new TaskQueue(1, LEASE, false);
        queue.offer(rollout("r1", 2, Source.CURATED));
        queue.offer(rollout("r2", 2, Source.CURATED));
        assertEquals("r1", taskOf(queue.next("alice", T0)));
        assertFalse(queue.release("bob", "r1", true, T0), "bob holds no lease on r1");
        assertTrue(queue.release("alice", "r1", true, T0));
        assertEquals(new TaskQueue.Stats(0, 1, 2), queue.stats("alice"), "r1 no longer waits for alice");
        assertEquals("r2", taskOf(queue.next("alice", T0)));
        assertEquals("r1", taskOf(queue.next("bob", T0)), "anyone else may take it at once");
        queue.record(feedback("e1", "r2", "alice", Source.ANNOTATOR));
        assertTrue(queue.release("bob", "r1", false, T0), "bob only leaves");
        assertEquals("r1", taskOf(queue.next("bob", T0)), "so he may get it again");
        assertTrue(queue.release("bob", "r1", false, T0));
        assertEquals("none", taskOf(queue.next("alice", T0)), "alice skipped r1");
        assertEquals("r1", taskOf(queue.next("carol", T0)));
        assertFalse(queue.release("carol", "r1", false, T0.plus(LEASE)), "an expired lease is already back");
    }

    @Test
    void statsCountWhatAnAnnotatorDidAndCanStillDo() {
        TaskQueue queue = new TaskQueue(2, LEASE, false);
        queue.offer(rollout("r1", 2, Source.CURATED));
        queue.offer(rollout("r2", 2, Source.CURATED));
        queue.offer(rollout("r3", 2, Source.CURATED));
        queue.record(feedback("e1", "r1", "alice", Source.ANNOTATOR));
        queue.record(feedback("e2", "r1", "alice", Source.ANNOTATOR));  // a second event on the same rollout
        queue.record(feedback("e3", "r2", "bob", Source.ANNOTATOR));
        queue.record(feedback("e4", "r2", "carol", Source.ANNOTATOR));  // r2 closes
        assertEquals(new TaskQueue.Stats(1, 1, 2), queue.stats("alice"));
        assertEquals(new TaskQueue.Stats(1, 2, 2), queue.stats("bob"));
        assertEquals(new TaskQueue.Stats(0, 2, 2), queue.stats("dana"));
    }
}
