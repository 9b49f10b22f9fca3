package dev.feedloop.ml.loss;

/**
 * Group baselines for K samples per prompt, on plain arrays laid out prompt-major: rewards
 * (P·K) with the K samples of prompt p at [p·K, (p+1)·K).
 * <ul>
 *   <li>RLOO (Kool et al. 2019; Ahmadian et al. 2024, eq. 5): A_i = r_i − 1/(K−1)·Σ_{j≠i} r_j.</li>
 *   <li>GRPO (Shao et al. 2024, DeepSeekMath §4.1.2): A_i = (r_i − mean(r)) / (std(r) + ε), std
 *       unbiased as {@code torch.std} and ε = 1e-4 as TRL's {@code GRPOTrainer}.</li>
 * </ul>
 */
public final class Rloo {

    private Rloo() {}

    /** ε of the GRPO normalisation, as TRL: keeps a group of equal rewards at advantage 0. */
    public static final double GRPO_EPSILON = 1e-4;

    /** Leave-one-out advantages; K ≥ 2. */
    public static float[] leaveOneOut(float[] rewards, int k) {
        check(rewards, k);
        float[] out = new float[rewards.length];
        for (int p = 0; p < rewards.length; p += k) {
            double sum = 0;
            for (int i = p; i < p + k; i++) sum += rewards[i];
            for (int i = p; i < p + k; i++) out[i] = (float) (rewards[i] - (sum - rewards[i]) / (k - 1));
        }
        return out;
    }

    /** GRPO group-normalised advantages; K ≥ 2. */
    public static float[] groupNormalised(float[] rewards, int k) {
        check(rewards, k);
        float[] out = new float[rewards.length];
        for (int p = 0; p < rewards.length; p += k) {
            double sum = 0;
            for (int i = p; i < p + k; i++) sum += rewards[i];
            double mean = sum / k;
            double ss = 0;
            for (int i = p; i < p + k; i++) ss += (rewards[i] - mean) * (rewards[i] - mean);
            double std = Math.sqrt(ss / (k - 1));
            for (int i = p; i < p + k; i++) out[i] = (float) ((rewards[i] - mean) / (std + GRPO_EPSILON));
        }
        return out;
    }

    private static void check(float[] rewards, int k) {
        if (k < 2) throw new IllegalArgumentException("K must be >= 2 for a group baseline, got " + k);
        if (rewards.length % k != 0) {
            throw new IllegalArgumentException(rewards.length + " rewards are not a multiple of K = " + k);
        }
    }
}
