package dev.feedloop.reward.training;

/**
 * Whether a candidate reward model replaces the published one: only with at least
 * {@code minHeldOutPairs} held-out pairs, and only if its held-out accuracy is at least the
 * published version's accuracy <em>on the same pairs</em> plus {@code minImprovement} (0 = "did not
 * fall"; negative tolerates a small drop).
 */
public final class PublishGate {

    /** The decision and, either way, why. */
    public record Decision(boolean publish, String reason) {
    }

    /** Accuracies are means over at most a few thousand pairs: closer than this is equal. */
    static final double EPSILON = 1e-9;

    private final double minImprovement;
    private final int minHeldOutPairs;

    public PublishGate(double minImprovement, int minHeldOutPairs) {
        if (!Double.isFinite(minImprovement) || minImprovement > 1 || minImprovement < -1) {
            throw new IllegalArgumentException("feedloop.reward.gate.min-improvement = " + minImprovement + " must be in [-1, 1]");
        }
        if (minHeldOutPairs < 1) {
            throw new IllegalArgumentException("feedloop.reward.gate.min-heldout-pairs = " + minHeldOutPairs + " must be >= 1");
        }
        this.minImprovement = minImprovement;
        this.minHeldOutPairs = minHeldOutPairs;
    }

    public Decision decide(int heldOutPairs, double candidateAccuracy, double publishedAccuracy) {
        if (heldOutPairs < minHeldOutPairs) {
            return new Decision(false, heldOutPairs + " held-out pairs, fewer than the " + minHeldOutPairs + " required");
        }
        if (Double.isNaN(candidateAccuracy) || Double.isNaN(publishedAccuracy)) {
            return new Decision(false, "held-out accuracy is undefined (candidate " + candidateAccuracy
                    + ", published " + publishedAccuracy + ")");
        }
        double required = publishedAccuracy + minImprovement;
        String numbers = String.format("held-out accuracy %.4f vs published %.4f + %.4f on %d pairs",
                candidateAccuracy, publishedAccuracy, minImprovement, heldOutPairs);
        return candidateAccuracy + EPSILON >= required
                ? new Decision(true, numbers)
                : new Decision(false, numbers + ": below");
    }
}
