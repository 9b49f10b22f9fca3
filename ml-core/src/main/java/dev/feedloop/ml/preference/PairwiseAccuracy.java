package dev.feedloop.ml.preference;

import java.util.List;

/**
 * Fraction of comparisons a scorer orders as the humans did, with a 95% Wilson score interval
 * (Wilson 1927): for p̂ = correct/n and z = 1.959964,
 * <pre>
 *   centre = (p̂ + z²/2n) / (1 + z²/n)
 *   half   = z / (1 + z²/n) · sqrt(p̂(1 − p̂)/n + z²/4n²)
 * </pre>
 * Each comparison counts once (weights ignored: this is the standard pairwise accuracy); a score tie
 * counts 0.5; soft-labelled tie comparisons (label 0.5) have no right answer and are skipped.
 *
 * @param correct number right, ties counting half
 * @param pairs   n
 */
public record PairwiseAccuracy(double correct, long pairs, double accuracy, double lower95, double upper95) {

    public static final double Z95 = 1.959963984540054;

    public static PairwiseAccuracy of(List<Comparison> comparisons, PairwiseScorer scorer) {
        double correct = 0;
        long n = 0;
        for (Comparison c : comparisons) {
            if (c.isTie()) continue;
            double d = scorer.score(c.prompt(), c.chosen()) - scorer.score(c.prompt(), c.rejected());
            if (c.label() < 0.5) d = -d;
            correct += d > 0 ? 1 : d == 0 ? 0.5 : 0;
            n++;
        }
        return wilson(correct, n);
    }

    /** The interval for {@code correct} out of {@code n}; NaN accuracy and [0, 1] when n = 0. */
    public static PairwiseAccuracy wilson(double correct, long n) {
        if (n == 0) return new PairwiseAccuracy(0, 0, Double.NaN, 0, 1);
        double p = correct / n;
        double z2 = Z95 * Z95;
        double denom = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denom;
        double half = Z95 / denom * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new PairwiseAccuracy(correct, n, p, Math.max(0, centre - half), Math.min(1, centre + half));
    }

    @Override
    public String toString() {
        return String.format("%.4f [%.4f, %.4f] (n=%d)", accuracy, lower95, upper95, pairs);
    }
}
