package dev.feedloop.labeling.task;

import java.util.Set;

/**
 * An open task as the queue sees it, independent of leases: what a rebuilt queue must reproduce.
 *
 * @param taskId     the task id (= rollout id)
 * @param labeledBy  annotators whose feedback on this rollout has been recorded
 * @param remaining  how many more distinct annotators the quorum needs
 */
public record OpenTask(String taskId, Set<String> labeledBy, int remaining) {
}
