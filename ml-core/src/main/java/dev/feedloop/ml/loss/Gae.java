package dev.feedloop.ml.loss;

/**
 * Generalised advantage estimation (Schulman et al. 2016, eq. 16) on plain arrays, one sequence at
 * a time, by the backward recursion
 * <pre>
 *   δ_t = r_t + γ·V_{t+1} − V_t          (V_L = 0: the response ends at its valid length L)
 *   A_t = δ_t + γ·λ·A_{t+1}              (A_L = 0)
 *   R_t = A_t + V_t                      (the value target, "returns")
 * </pre>
 * Dimensions: B sequences, T tokens (arrays may be longer than the valid length L; positions ≥ L
 * get advantage 0 and return 0).
 */
public final class Gae {

    private Gae() {}

    /** Advantages and returns, each (B, T). */
    public record Result(float[][] advantages, float[][] returns) {}

    /** One sequence: rewards and values (T), valid length L ≤ T. */
    public static Result compute(float[] rewards, float[] values, int length, double gamma, double lambda) {
        return compute(new float[][] {rewards}, new float[][] {values}, new int[] {length}, gamma, lambda);
    }

    /**
     * A batch: rewards and values (B, T), valid lengths (B).
     *
     * @param gamma  discount γ in [0, 1]; InstructGPT uses 1
     * @param lambda GAE λ in [0, 1]
     */
    public static Result compute(float[][] rewards, float[][] values, int[] lengths, double gamma, double lambda) {
        if (rewards.length != values.length || rewards.length != lengths.length) {
            throw new IllegalArgumentException("batch sizes differ: rewards " + rewards.length
                    + ", values " + values.length + ", lengths " + lengths.length);
        }
        if (!(gamma >= 0 && gamma <= 1)) throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
        if (!(lambda >= 0 && lambda <= 1)) throw new IllegalArgumentException("lambda must be in [0, 1], got " + lambda);
        float[][] adv = new float[rewards.length][];
        float[][] ret = new float[rewards.length][];
        for (int b = 0; b < rewards.length; b++) {
            int t0 = rewards[b].length;
            int len = lengths[b];
            if (values[b].length != t0 || len < 0 || len > t0) {
                throw new IllegalArgumentException("sequence " + b + ": rewards " + t0 + ", values "
                        + values[b].length + ", length " + len);
            }
            adv[b] = new float[t0];
            ret[b] = new float[t0];
            double next = 0;        // A_{t+1}
            double nextValue = 0;   // V_{t+1}
            for (int t = len - 1; t >= 0; t--) {
                double delta = rewards[b][t] + gamma * nextValue - values[b][t];
                next = delta + gamma * lambda * next;
                adv[b][t] = (float) next;
                ret[b][t] = (float) (next + values[b][t]);
                nextValue = values[b][t];
            }
        }
        return new Result(adv, ret);
    }
}
