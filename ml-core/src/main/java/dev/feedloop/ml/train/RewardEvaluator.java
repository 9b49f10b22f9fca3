package dev.feedloop.ml.train;

import dev.feedloop.ml.model.RewardModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Held-out metrics of a reward model on comparisons, without gradients: pairwise accuracy (a
 * reward tie counts ½; soft-labelled pairs are left out), its 95% Wilson interval, and the mean
 * margin r_c − r_r.
 */
public final class RewardEvaluator {

    /** @param correct hard pairs ordered correctly (ties ½) */
    public record Metrics(int pairs, double correct, double accuracy, double lower95, double upper95,
            double meanMargin) {}

    private RewardEvaluator() {}

    public static Metrics evaluate(RewardModel rm, List<EncodedPair> pairs, int batchSize) {
        List<int[]> prompts = new ArrayList<>();
        List<int[]> responses = new ArrayList<>();
        List<EncodedPair> hard = new ArrayList<>();
        for (EncodedPair p : pairs) {
            if (p.label() == 0.5f) {
                continue;
            }
            hard.add(p);
            prompts.add(p.prompt());
            responses.add(p.chosen());
            prompts.add(p.prompt());
            responses.add(p.rejected());
        }
        float[] scores = rm.score(prompts, responses, batchSize);
        double correct = 0;
        double margin = 0;
        for (int i = 0; i < hard.size(); i++) {
            double d = scores[2 * i] - scores[2 * i + 1];
            if (hard.get(i).label() < 0.5f) {
                d = -d;
            }
            correct += d > 0 ? 1 : d == 0 ? 0.5 : 0;
            margin += d;
        }
        int n = hard.size();
        double acc = n == 0 ? Double.NaN : correct / n;
        double[] ci = wilson(correct, n);
        return new Metrics(n, correct, acc, ci[0], ci[1], n == 0 ? Double.NaN : margin / n);
    }

    /** 95% Wilson score interval for a proportion. */
    public static double[] wilson(double successes, int n) {
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double z = 1.959963984540054;
        double p = successes / n;
        double denom = 1 + z * z / n;
        double centre = (p + z * z / (2.0 * n)) / denom;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denom;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
