package dev.feedloop.labeling.feedback;

import static dev.feedloop.labeling.Fixtures.rollout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.Score;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.events.v1.Thumb;
import dev.feedloop.contracts.labeling.v1.SubmitFeedbackRequest;
import dev.feedloop.labeling.auth.Caller;
import dev.feedloop.labeling.task.TaskQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedbackIntakeTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final TaskQueue queue = new TaskQueue(1, Duration.ofMinutes(1), false);
    private final List<FeedbackRecorded> published = new ArrayList<>();
    private boolean brokerDown;
    private boolean replayed = true;
    private final FeedbackIntake intake = new FeedbackIntake(queue, new FeedbackValidator(100, 20),
            new UserIdHasher("test-key-0123456789abcdef"), event -> {
                if (brokerDown) {
                    throw new IllegalStateException("not acknowledged");
                }
                published.add(event);
            }, () -> replayed);

    private static SubmitFeedbackRequest score(String eventId) {
        return SubmitFeedbackRequest.newBuilder().setEventId(eventId).setRolloutId("r").setComment("nice")
                .setScore(Score.newBuilder().setResponseId("r/1").setValue(6)).build();
    }

    @Test
    void theSameEventIdIsPublishedOnce() {
        queue.offer(rollout("r", 2, Source.CURATED));
        Caller alice = new Caller("alice", Source.ANNOTATOR);
        assertFalse(intake.submit(alice, score("e1"), NOW).duplicate());
        assertTrue(intake.submit(alice, score("e1"), NOW).duplicate());
        assertEquals(1, published.size());

        FeedbackRecorded event = published.get(0);
        assertEquals("e1", event.getEventId());
        assertEquals("prompt-r", event.getPromptId());
        assertEquals("alice", event.getAnnotator());
        assertEquals(Source.ANNOTATOR, event.getSource());
        assertEquals("r", event.getTaskId());
        assertEquals(6, event.getScore().getValue());
        assertEquals(NOW.getEpochSecond(), event.getCreatedAt().getSeconds());
        assertEquals(List.of(), queue.openTasks(), "quorum 1 met");
    }

    @Test
    void productionUserIdsAreStoredOnlyAsAKeyedHash() {
        queue.offer(rollout("r", 2, Source.PRODUCTION));
        intake.submit(new Caller("production", Source.PRODUCTION), SubmitFeedbackRequest.newBuilder().setEventId("e2")
                .setRolloutId("r").setUserId("jane@example.com").setThumb(Thumb.newBuilder().setResponseId("r/0").setUp(true)).build(), NOW);
        FeedbackRecorded event = published.get(0);
        assertEquals(Source.PRODUCTION, event.getSource());
        assertTrue(event.getAnnotator().matches("user:[0-9a-f]{64}"), event.getAnnotator());
        assertFalse(event.toString().contains("jane"));
        assertEquals(new UserIdHasher("test-key-0123456789abcdef").pseudonym("jane@example.com"), event.getAnnotator());
        assertNotEquals(new UserIdHasher("another-key-0123456789").pseudonym("jane@example.com"), event.getAnnotator());
        assertThrows(IllegalArgumentException.class, () -> new UserIdHasher("short"));
    }

    @Test
    void anUnacknowledgedEventIsUnavailableAndCanBeRetried() {
        queue.offer(rollout("r", 2, Source.CURATED));
        Caller alice = new Caller("alice", Source.ANNOTATOR);
        brokerDown = true;
        FeedbackError e = assertThrows(FeedbackError.class, () -> intake.submit(alice, score("e3"), NOW));
        assertEquals(FeedbackError.Code.UNAVAILABLE, e.code());
        assertFalse(queue.seen("e3"));
        brokerDown = false;
        assertFalse(intake.submit(alice, score("e3"), NOW).duplicate(), "the retry is not a duplicate");
        assertEquals(1, published.size());
    }

    @Test
    void nothingIsServedBeforeTheTopicsAreReplayed() {
        queue.offer(rollout("r", 2, Source.CURATED));
        replayed = false;
        Caller alice = new Caller("alice", Source.ANNOTATOR);
        assertEquals(FeedbackError.Code.UNAVAILABLE, assertThrows(FeedbackError.class, () -> intake.next(alice, NOW)).code());
        assertEquals(FeedbackError.Code.UNAVAILABLE, assertThrows(FeedbackError.class,
                () -> intake.submit(alice, score("e4"), NOW)).code());
        assertTrue(published.isEmpty());
    }

    @Test
    void theProductionTokenTakesNoTasks() {
        FeedbackError e = assertThrows(FeedbackError.class, () -> intake.next(new Caller("production", Source.PRODUCTION), NOW));
        assertEquals(FeedbackError.Code.PERMISSION_DENIED, e.code());
    }
}
