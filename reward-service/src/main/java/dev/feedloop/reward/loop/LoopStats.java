package dev.feedloop.reward.loop;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters and levels of the loop, written by the model thread and read by metrics, readiness and
 * tests from any thread.
 */
public final class LoopStats {
    public final AtomicLong feedbackReceived = new AtomicLong();
    public final AtomicLong feedbackDuplicates = new AtomicLong();
    public final AtomicLong feedbackRejected = new AtomicLong();
    public final AtomicLong feedbackEvicted = new AtomicLong();
    public final AtomicLong feedbackRestored = new AtomicLong();
    /** New comparisons (train and held-out) made from feedback not already in the loaded version. */
    public final AtomicLong comparisons = new AtomicLong();
    public final AtomicLong trainingSteps = new AtomicLong();
    /** Steps on replayed pairs only (see RewardLoop.replayStep). */
    public final AtomicLong replaySteps = new AtomicLong();
    public final AtomicLong evaluations = new AtomicLong();
    public final AtomicLong gateRefusals = new AtomicLong();
    public final AtomicLong rolloutsScored = new AtomicLong();
    public volatile int pendingFeedback;
    public volatile int freshPairs;
    public volatile int replayPairs;
    public volatile int heldOutPairs;
    public volatile double lastLoss = Double.NaN;
    public volatile double lastAccuracy = Double.NaN;
    public volatile long publishedVersion;
    public volatile double publishedHeldOutAccuracy = Double.NaN;
    public volatile double candidateHeldOutAccuracy = Double.NaN;
}
