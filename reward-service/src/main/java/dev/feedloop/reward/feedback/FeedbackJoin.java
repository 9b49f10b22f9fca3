package dev.feedloop.reward.feedback;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Joins feedback with the rollout it refers to. The two topics are read independently (and
 * replayed from the beginning on every start), so feedback often arrives before its rollout: it
 * then waits in a bounded buffer and is released when the rollout arrives. When the buffer is full
 * the oldest waiting feedback is handed to {@code onEvicted} (counted, never silently lost).
 * Remembers the last {@code maxRollouts} rollouts.
 */
public final class FeedbackJoin {

    /** Feedback together with its rollout. */
    public record Joined(FeedbackRecorded feedback, RolloutGenerated rollout, FeedbackPosition position) {
    }

    /** Feedback waiting for its rollout. */
    public record Waiting(FeedbackRecorded feedback, FeedbackPosition position) {
    }

    private final int maxRollouts;
    private final int maxPending;
    private final Consumer<Waiting> onEvicted;
    private final LinkedHashMap<String, RolloutGenerated> rollouts = new LinkedHashMap<>();
    // insertion order = arrival order, so the first entry is the oldest waiting feedback
    private final LinkedHashMap<String, Waiting> pending = new LinkedHashMap<>();
    private final Map<String, List<String>> pendingByRollout = new LinkedHashMap<>();

    public FeedbackJoin(int maxRollouts, int maxPending, Consumer<Waiting> onEvicted) {
        if (maxRollouts < 1 || maxPending < 1) {
            throw new IllegalArgumentException("join capacities must be >= 1: rollouts " + maxRollouts
                    + ", pending feedback " + maxPending);
        }
        this.maxRollouts = maxRollouts;
        this.maxPending = maxPending;
        this.onEvicted = onEvicted;
    }

    /** The feedback joined with its rollout if that is known; otherwise it waits (and the result is empty). */
    public Optional<Joined> offerFeedback(FeedbackRecorded feedback, FeedbackPosition position) {
        RolloutGenerated rollout = rollouts.get(feedback.getRolloutId());
        if (rollout != null) {
            return Optional.of(new Joined(feedback, rollout, position));
        }
        pending.put(feedback.getEventId(), new Waiting(feedback, position));
        pendingByRollout.computeIfAbsent(feedback.getRolloutId(), id -> new ArrayList<>()).add(feedback.getEventId());
        while (pending.size() > maxPending) {
            Iterator<Map.Entry<String, Waiting>> oldest = pending.entrySet().iterator();
            Waiting evicted = oldest.next().getValue();
            oldest.remove();
            List<String> same = pendingByRollout.get(evicted.feedback().getRolloutId());
            same.remove(evicted.feedback().getEventId());
            if (same.isEmpty()) {
                pendingByRollout.remove(evicted.feedback().getRolloutId());
            }
            onEvicted.accept(evicted);
        }
        return Optional.empty();
    }

    /** Remembers the rollout and returns the feedback that was waiting for it, in arrival order. */
    public List<Joined> offerRollout(RolloutGenerated rollout) {
        rollouts.remove(rollout.getRolloutId());  // a re-delivered rollout becomes the newest
        rollouts.put(rollout.getRolloutId(), rollout);
        if (rollouts.size() > maxRollouts) {
            Iterator<String> oldest = rollouts.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        List<String> waiting = pendingByRollout.remove(rollout.getRolloutId());
        if (waiting == null) {
            return List.of();
        }
        List<Joined> joined = new ArrayList<>(waiting.size());
        for (String eventId : waiting) {
            Waiting w = pending.remove(eventId);
            joined.add(new Joined(w.feedback(), rollout, w.position()));
        }
        return joined;
    }

    public int pendingCount() {
        return pending.size();
    }

    public int rolloutCount() {
        return rollouts.size();
    }
}
