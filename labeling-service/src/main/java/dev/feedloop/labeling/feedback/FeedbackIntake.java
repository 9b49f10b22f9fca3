package dev.feedloop.labeling.feedback;

import com.google.protobuf.Timestamp;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.labeling.v1.SubmitFeedbackRequest;
import dev.feedloop.labeling.auth.Caller;
import dev.feedloop.labeling.task.Task;
import dev.feedloop.labeling.task.TaskQueue;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;

/**
 * The labeling use cases behind both gRPC and REST: lease the next task, submit feedback.
 *
 * <p>Submitting: validate, deduplicate by {@code event_id}, build the {@code FeedbackRecorded},
 * publish it (blocking until the broker acknowledged), then record it in the queue. A repeated
 * {@code event_id} returns {@code duplicate=true} and publishes nothing; two concurrent calls with
 * the same id publish once.
 */
public final class FeedbackIntake {

    /** The outcome of a submission. */
    public record Result(String eventId, boolean duplicate) {
    }

    private final TaskQueue queue;
    private final FeedbackValidator validator;
    private final UserIdHasher hasher;
    private final FeedbackPublisher publisher;
    private final BooleanSupplier replayed;
    private final ConcurrentMap<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

    /**
     * @param replayed whether the queue has replayed its topics; until then every call is UNAVAILABLE,
     *                 since the queue cannot yet tell a duplicate or a closed task
     */
    public FeedbackIntake(TaskQueue queue, FeedbackValidator validator, UserIdHasher hasher, FeedbackPublisher publisher,
                          BooleanSupplier replayed) {
        this.queue = queue;
        this.validator = validator;
        this.hasher = hasher;
        this.publisher = publisher;
        this.replayed = replayed;
    }

    /** Leases the next task to an annotator; the production token may not ask for tasks. */
    public Optional<Task> next(Caller caller, Instant now) {
        requireReplayed();
        requireAnnotator(caller);
        return queue.next(caller.name(), now);
    }

    /** Hands a task the annotator holds back to the queue ({@code skip}: never to them again); false if they held none. */
    public boolean release(Caller caller, String taskId, boolean skip, Instant now) {
        requireReplayed();
        requireAnnotator(caller);
        return queue.release(caller.name(), taskId, skip, now);
    }

    /** Tasks this annotator has done and can still do. */
    public TaskQueue.Stats stats(Caller caller) {
        requireReplayed();
        requireAnnotator(caller);
        return queue.stats(caller.name());
    }

    private static void requireAnnotator(Caller caller) {
        if (caller.isProduction()) {
            throw new FeedbackError(FeedbackError.Code.PERMISSION_DENIED, "authorization",
                    "the production token cannot take labeling tasks");
        }
    }

    /** Validates, deduplicates and publishes one submission; returns after the broker's acknowledgement. */
    public Result submit(Caller caller, SubmitFeedbackRequest request, Instant now) {
        validator.checkShape(request);
        requireReplayed();
        String eventId = request.getEventId();
        if (queue.seen(eventId)) {
            return new Result(eventId, true);
        }
        Optional<RolloutGenerated> rollout = queue.rollout(request.getRolloutId());
        validator.check(caller, request, rollout);

        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other = inFlight.putIfAbsent(eventId, mine);
        if (other != null) {
            try {
                other.join();  // the same event id is being published by another call right now
            } catch (RuntimeException e) {
                throw unavailable(eventId, e);
            }
            return new Result(eventId, true);
        }
        try {
            if (queue.seen(eventId)) {  // recorded between the first check and the claim
                mine.complete(null);
                return new Result(eventId, true);
            }
            FeedbackRecorded event = event(caller, request, rollout.orElseThrow(), now);
            publisher.publish(event);
            queue.record(event);
            mine.complete(null);
            return new Result(eventId, false);
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e instanceof FeedbackError ? e : unavailable(eventId, e);
        } finally {
            inFlight.remove(eventId, mine);
        }
    }

    private void requireReplayed() {
        if (!replayed.getAsBoolean()) {
            throw new FeedbackError(FeedbackError.Code.UNAVAILABLE, "",
                    "the labeling queue is still replaying its topics after a start; retry shortly");
        }
    }

    private FeedbackRecorded event(Caller caller, SubmitFeedbackRequest request, RolloutGenerated rollout, Instant now) {
        FeedbackRecorded.Builder event = FeedbackRecorded.newBuilder()
                .setEventId(request.getEventId())
                .setCreatedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setRolloutId(rollout.getRolloutId())
                .setPromptId(rollout.getPromptId())
                .setSource(caller.source())
                .setComment(request.getComment());
        if (caller.isProduction()) {
            event.setAnnotator(hasher.pseudonym(request.getUserId()));
        } else {
            event.setAnnotator(caller.name()).setTaskId(rollout.getRolloutId());
        }
        switch (request.getKindCase()) {
            case RANKING -> event.setRanking(request.getRanking());
            case SCORE -> event.setScore(request.getScore());
            case FLAG -> event.setFlag(request.getFlag());
            case THUMB -> event.setThumb(request.getThumb());
            case COMPARISON -> event.setComparison(request.getComparison());
            default -> throw new IllegalStateException("validated kind " + request.getKindCase());
        }
        return event.build();
    }

    private static FeedbackError unavailable(String eventId, RuntimeException cause) {
        return new FeedbackError(FeedbackError.Code.UNAVAILABLE, "",
                "feedback " + eventId + " was not acknowledged by the broker (" + cause.getMessage()
                        + "); retry with the same event_id", cause);
    }
}
