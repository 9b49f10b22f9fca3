package dev.feedloop.labeling.task;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The labeling task queue: one task per rollout, open until a quorum of distinct annotators has
 * labeled it. A task is leased to one annotator at a time; a lease that expires returns the task.
 *
 * <p>Its whole state is a fold over two topics: {@link #offer} for each {@code RolloutGenerated}
 * and {@link #record} for each {@code FeedbackRecorded}, in any interleaving (feedback may be
 * replayed before its rollout). Both are idempotent, so a restarted service that replays the topics
 * from the beginning ends with the same open tasks: nothing lost, nothing twice. Leases are not
 * part of that state; after a restart every task is unleased.
 *
 * <p>Thread-safe: every method is synchronized (all are in-memory and short).
 */
public final class TaskQueue {

    private final int quorum;
    private final Duration leaseDuration;
    private final boolean productionRolloutsAsTasks;

    /** Every rollout seen (tasks or not): needed to validate feedback on it. */
    private final Map<String, RolloutGenerated> rollouts = new HashMap<>();
    /** Open tasks in arrival order: the queue. */
    private final LinkedHashMap<String, Lease> open = new LinkedHashMap<>();
    /** rollout id → annotators who labeled it; filled also before the rollout arrives. */
    private final Map<String, Set<String>> labeledBy = new HashMap<>();
    private final Set<String> eventIds = new HashSet<>();
    /** annotator → tasks they skipped: never offered to them again (until a restart: not replayed). */
    private final Map<String, Set<String>> skipped = new HashMap<>();

    /** The current lease of an open task; null fields when unleased. */
    private static final class Lease {
        String annotator;
        Instant expiresAt;

        boolean heldAt(Instant now) {
            return annotator != null && now.isBefore(expiresAt);
        }
    }

    /**
     * @param quorum                    distinct annotators per task (>= 1)
     * @param leaseDuration             how long an annotator holds a task (> 0)
     * @param productionRolloutsAsTasks whether rollouts of production traffic also become tasks
     *                                  (they are always kept for users' thumbs)
     */
    public TaskQueue(int quorum, Duration leaseDuration, boolean productionRolloutsAsTasks) {
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum " + quorum + " must be >= 1");
        }
        if (leaseDuration.isNegative() || leaseDuration.isZero()) {
            throw new IllegalArgumentException("lease duration " + leaseDuration + " must be positive");
        }
        this.quorum = quorum;
        this.leaseDuration = leaseDuration;
        this.productionRolloutsAsTasks = productionRolloutsAsTasks;
    }

    /**
     * Adds a rollout and, unless its quorum is already met, its task.
     *
     * @return true if the rollout was new
     */
    public synchronized boolean offer(RolloutGenerated rollout) {
        if (rollouts.putIfAbsent(rollout.getRolloutId(), rollout) != null) {
            return false;  // redelivered or replayed twice
        }
        // imported rollouts (a dataset's responses) arrive with their people's feedback already on the
        // feedback topic: feedback may refer to them, but they are not work for annotators
        boolean isTask = rollout.getSource() != Source.IMPORT
                && (productionRolloutsAsTasks || rollout.getSource() != Source.PRODUCTION);
        if (isTask && labeledBy(rollout.getRolloutId()).size() < quorum) {
            open.put(rollout.getRolloutId(), new Lease());
        }
        return true;
    }

    /**
     * Leases the oldest open task that {@code annotator} has not labeled nor skipped and nobody else holds.
     * An annotator who already holds a lease gets that task again, lease unchanged.
     */
    public synchronized Optional<Task> next(String annotator, Instant now) {
        for (Map.Entry<String, Lease> entry : open.entrySet()) {
            Lease lease = entry.getValue();
            if (annotator.equals(lease.annotator) && lease.heldAt(now)) {
                return Optional.of(task(entry.getKey(), lease.expiresAt));
            }
        }
        Set<String> mySkipped = skipped.getOrDefault(annotator, Set.of());
        for (Map.Entry<String, Lease> entry : open.entrySet()) {
            Lease lease = entry.getValue();
            if (!lease.heldAt(now) && !labeledBy(entry.getKey()).contains(annotator) && !mySkipped.contains(entry.getKey())) {
                lease.annotator = annotator;
                lease.expiresAt = now.plus(leaseDuration);
                return Optional.of(task(entry.getKey(), lease.expiresAt));
            }
        }
        return Optional.empty();
    }

    /**
     * Hands a leased task back to the queue: anyone may take it at once. With {@code skip}, the
     * annotator does not want it: it is not offered to them again (skips are not replayed, so after
     * a restart it is). Without, they are only leaving, and may get it again.
     *
     * @return false if {@code annotator} did not hold a lease on this task (nothing changed)
     */
    public synchronized boolean release(String annotator, String taskId, boolean skip, Instant now) {
        Lease lease = open.get(taskId);
        if (lease == null || !annotator.equals(lease.annotator) || !lease.heldAt(now)) {
            return false;
        }
        lease.annotator = null;
        lease.expiresAt = null;
        if (skip) {
            skipped.computeIfAbsent(annotator, a -> new HashSet<>()).add(taskId);
        }
        return true;
    }

    /**
     * What one annotator sees of the queue.
     *
     * @param done    rollouts this annotator has labeled (replayed, so it survives restarts)
     * @param waiting open tasks this annotator could still label (not labeled nor skipped by them), the one they hold included
     * @param open    open tasks in all
     */
    public record Stats(int done, int waiting, int open) {
    }

    public synchronized Stats stats(String annotator) {
        int done = 0;
        for (Set<String> annotators : labeledBy.values()) {
            if (annotators.contains(annotator)) {
                done++;
            }
        }
        int waiting = 0;
        Set<String> mySkipped = skipped.getOrDefault(annotator, Set.of());
        for (String rolloutId : open.keySet()) {
            if (!labeledBy(rolloutId).contains(annotator) && !mySkipped.contains(rolloutId)) {
                waiting++;
            }
        }
        return new Stats(done, waiting, open.size());
    }

    /**
     * Records one piece of feedback: the annotator counts toward the rollout's quorum and
     * releases its lease; the task closes when the quorum is met. Production and imported
     * feedback (no task) only mark their event id as seen.
     *
     * @return false if this event id was recorded before (a duplicate)
     */
    public synchronized boolean record(FeedbackRecorded feedback) {
        if (!eventIds.add(feedback.getEventId())) {
            return false;
        }
        if (!countsTowardQuorum(feedback.getSource())) {
            return true;
        }
        String rolloutId = feedback.getRolloutId();
        Set<String> annotators = labeledBy.computeIfAbsent(rolloutId, id -> new TreeSet<>());
        annotators.add(feedback.getAnnotator());
        Lease lease = open.get(rolloutId);
        if (lease != null) {
            if (annotators.size() >= quorum) {
                open.remove(rolloutId);
            } else if (feedback.getAnnotator().equals(lease.annotator)) {
                lease.annotator = null;
                lease.expiresAt = null;
            }
        }
        return true;
    }

    /** Whether feedback with this event id has been recorded. */
    public synchronized boolean seen(String eventId) {
        return eventIds.contains(eventId);
    }

    /** The rollout with this id, if it has been offered. */
    public synchronized Optional<RolloutGenerated> rollout(String rolloutId) {
        return Optional.ofNullable(rollouts.get(rolloutId));
    }

    /** The open tasks in queue order, without lease state. */
    public synchronized List<OpenTask> openTasks() {
        List<OpenTask> tasks = new ArrayList<>();
        for (String rolloutId : open.keySet()) {
            Set<String> annotators = Set.copyOf(labeledBy(rolloutId));
            tasks.add(new OpenTask(rolloutId, annotators, quorum - annotators.size()));
        }
        return tasks;
    }

    public synchronized int rolloutCount() {
        return rollouts.size();
    }

    public synchronized int feedbackCount() {
        return eventIds.size();
    }

    private static boolean countsTowardQuorum(Source source) {
        return source == Source.ANNOTATOR || source == Source.SIMULATED;
    }

    private Set<String> labeledBy(String rolloutId) {
        return labeledBy.getOrDefault(rolloutId, Set.of());
    }

    private Task task(String rolloutId, Instant expiresAt) {
        RolloutGenerated rollout = rollouts.get(rolloutId);
        List<Task.TaskResponse> responses = new ArrayList<>();
        for (Response r : rollout.getResponsesList()) {
            responses.add(new Task.TaskResponse(r.getResponseId(), r.getText()));
        }
        return new Task(rolloutId, rolloutId, rollout.getPromptId(), rollout.getPromptText(), List.copyOf(responses), expiresAt);
    }
}
