package dev.feedloop.reward.training;

import dev.feedloop.ml.train.EncodedPair;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/**
 * Mini-batches for online training: up to {@code batchSize} new pairs, oldest first, topped up to
 * {@code batchSize} with pairs drawn uniformly from the replay buffer. So a trickle of feedback
 * (one ranking at a time) still trains on full batches and old comparisons keep being revisited,
 * while a flood (an import) is trained on in arrival order, each new pair once plus its replays.
 */
public final class MiniBatcher {

    /** A new pair and the ticket to settle once a step has trained on it. */
    public record Fresh(EncodedPair pair, FeedbackLedger.Ticket ticket) {
    }

    /** One step's pairs: the new ones first, then the replayed ones. */
    public record Batch(List<Fresh> fresh, List<EncodedPair> replayed) {
        public List<EncodedPair> pairs() {
            List<EncodedPair> all = new ArrayList<>(fresh.size() + replayed.size());
            fresh.forEach(f -> all.add(f.pair()));
            all.addAll(replayed);
            return all;
        }
    }

    private final int batchSize;
    private final Random random;

    public MiniBatcher(int batchSize, Random random) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be >= 1");
        }
        this.batchSize = batchSize;
        this.random = random;
    }

    /** The next batch, taking the new pairs it uses off {@code fresh}; empty when {@code fresh} is empty. */
    public Batch next(Deque<Fresh> fresh, ComparisonPool replay) {
        return next(List.of(fresh), replay);
    }

    /**
     * The next batch from queues of new pairs in priority order: the first queue's pairs first, the
     * next queue's where they leave room; then replay. Empty when every queue is empty.
     */
    public Batch next(List<Deque<Fresh>> byPriority, ComparisonPool replay) {
        List<Fresh> taken = new ArrayList<>();
        for (Deque<Fresh> fresh : byPriority) {
            while (taken.size() < batchSize && !fresh.isEmpty()) {
                taken.add(fresh.pollFirst());
            }
        }
        if (taken.isEmpty()) {
            return new Batch(List.of(), List.of());
        }
        return new Batch(taken, replay.sampleGroups(batchSize - taken.size(), random));
    }

    public int batchSize() {
        return batchSize;
    }
}
