package dev.feedloop.labeling.task;

import java.time.Instant;
import java.util.List;

/**
 * A labeling task as handed to one annotator: the rollout to label and the lease's end.
 *
 * @param taskId         the task's id; one task per rollout, so equal to {@code rolloutId}
 * @param rolloutId      the rollout to label
 * @param promptId       the rollout's prompt
 * @param promptText     the prompt shown to the annotator
 * @param responses      the K responses, in the rollout's order
 * @param leaseExpiresAt after this instant the task returns to the queue
 */
public record Task(String taskId, String rolloutId, String promptId, String promptText,
                   List<TaskResponse> responses, Instant leaseExpiresAt) {

    /** One response to label. */
    public record TaskResponse(String responseId, String text) {
    }
}
