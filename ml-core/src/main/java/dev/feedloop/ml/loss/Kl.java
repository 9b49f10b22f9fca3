package dev.feedloop.ml.loss;

import ai.djl.ndarray.NDArray;

/**
 * Per-token estimators of KL(π ‖ π_ref) from the log-probs of the sampled tokens (Schulman,
 * "Approximating KL divergence", 2020). Samples come from π; with r = π_ref / π:
 * <pre>
 *   k1 = log π − log π_ref = −log r               unbiased, can be negative per token
 *   k3 = (r − 1) − log r                          unbiased, always ≥ 0, lower variance
 * </pre>
 * InstructGPT's per-token penalty −β·KL uses k1 (TRL's {@code kl_penalty="kl"}).
 * Dimensions: any shape, typically (B, T); inputs must share it.
 */
public final class Kl {

    private Kl() {}

    /** k1 = logp − refLogp, elementwise. */
    public static NDArray k1(NDArray logp, NDArray refLogp) {
        Tensors.requireSameShape("logp", logp, "refLogp", refLogp);
        return logp.sub(refLogp);
    }

    /** k3 = (r − 1) − log r, r = exp(refLogp − logp), elementwise; differentiable w.r.t. logp. */
    public static NDArray k3(NDArray logp, NDArray refLogp) {
        Tensors.requireSameShape("logp", logp, "refLogp", refLogp);
        NDArray logR = refLogp.sub(logp);
        return logR.exp().sub(Tensors.scalar(logp, 1.0)).sub(logR);
    }

    /** k1 on plain arrays. */
    public static float[] k1(float[] logp, float[] refLogp) {
        requireSameLength(logp, refLogp);
        float[] out = new float[logp.length];
        for (int i = 0; i < out.length; i++) out[i] = logp[i] - refLogp[i];
        return out;
    }

    /** k3 on plain arrays, computed in double so it never rounds below 0. */
    public static float[] k3(float[] logp, float[] refLogp) {
        requireSameLength(logp, refLogp);
        float[] out = new float[logp.length];
        for (int i = 0; i < out.length; i++) {
            double logR = (double) refLogp[i] - logp[i];
            out[i] = (float) Math.max(0.0, Math.expm1(logR) - logR);
        }
        return out;
    }

    private static void requireSameLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("logp has " + a.length + " tokens but refLogp has " + b.length);
        }
    }
}
