package dev.feedloop.ml.loss;

import ai.djl.ndarray.NDArray;

/**
 * PPO losses (Schulman et al. 2017), in the per-token form of InstructGPT and TRL's
 * {@code PPOTrainer}.
 *
 * <p>Dimensions: B sequences, T response tokens; {@code mask} (B, T) is 1 on real response
 * tokens and 0 on padding. All means are masked means Σ(x·mask)/Σmask.
 *
 * <p>Sign convention: these are <em>losses</em> (minimised), the negative of PPO's objective
 * L^CLIP (eq. 7). Per token, with ratio ρ = exp(logp − oldLogp):
 * <pre>
 *   objective term  = min(ρ·A, clip(ρ, 1 − ε, 1 + ε)·A)
 *   loss term       = max(−ρ·A, −clip(ρ, 1 − ε, 1 + ε)·A) = −objective term
 * </pre>
 * Worked: ρ = 1.5, A = +1, ε = 0.2 → objective 1.2, loss −1.2; ρ = 0.5, A = −1 → objective −0.8,
 * loss +0.8.
 */
public final class Ppo {

    private Ppo() {}

    /**
     * @param loss     scalar, differentiable w.r.t. logp (TRL {@code loss/policy})
     * @param clipFrac fraction of masked tokens where the clipped branch is the one taken,
     *                 i.e. −clip(ρ)·A &gt; −ρ·A (TRL {@code policy/clipfrac})
     * @param approxKl 0.5 · mean((logp − oldLogp)²), TRL's estimator ({@code policy/approxkl}); it is
     *                 the k2 estimator of KL(old ‖ new), not k3
     * @param ratioMean mean of ρ (TRL {@code val/ratio})
     */
    public record PolicyResult(NDArray loss, double clipFrac, double approxKl, double ratioMean) {}

    /**
     * @param loss     scalar, differentiable w.r.t. the values (TRL {@code loss/value})
     * @param clipFrac fraction of masked tokens where the clipped error is the larger one
     *                 (TRL {@code val/clipfrac})
     */
    public record ValueResult(NDArray loss, double clipFrac) {}

    /**
     * Clipped surrogate loss, PPO eq. 7, per token, masked mean.
     *
     * @param logp        log π_θ(a_t | s_t) (B, T), differentiable
     * @param oldLogp     behaviour log-probs recorded at sampling time (B, T); the sampler may be a
     *                    version behind the learner, which is exactly what the ratio corrects
     * @param advantages  A (B, T), constants (whitened GAE or a group baseline)
     * @param mask        (B, T) 1/0
     * @param clipEpsilon ε, e.g. 0.2
     */
    public static PolicyResult clippedPolicyLoss(NDArray logp, NDArray oldLogp, NDArray advantages,
                                                 NDArray mask, double clipEpsilon) {
        Tensors.requireSameShape("logp", logp, "oldLogp", oldLogp);
        Tensors.requireSameShape("logp", logp, "advantages", advantages);
        Tensors.requireSameShape("logp", logp, "mask", mask);
        if (!(clipEpsilon > 0 && clipEpsilon < 1)) {
            throw new IllegalArgumentException("clipEpsilon must be in (0, 1), got " + clipEpsilon);
        }
        NDArray logRatio = logp.sub(oldLogp);                                    // (B, T)
        NDArray ratio = logRatio.exp();                                          // (B, T)
        NDArray unclipped = advantages.neg().mul(ratio);                         // (B, T) −ρA
        NDArray clipped = advantages.neg()
                .mul(Tensors.clamp(ratio, 1 - clipEpsilon, 1 + clipEpsilon));    // (B, T) −clip(ρ)A
        NDArray loss = Tensors.maskedMean(unclipped.maximum(clipped), mask);    // ()

        float[] u = Tensors.values(unclipped);
        float[] c = Tensors.values(clipped);
        float[] lr = Tensors.values(logRatio);
        float[] m = Tensors.values(mask);
        double n = 0, clipCount = 0, sq = 0, ratioSum = 0;
        for (int i = 0; i < m.length; i++) {
            if (m[i] == 0) continue;
            n++;
            if (c[i] > u[i]) clipCount++;
            sq += (double) lr[i] * lr[i];
            ratioSum += Math.exp(lr[i]);
        }
        double denom = Math.max(n, 1);
        return new PolicyResult(loss, clipCount / denom, 0.5 * sq / denom, ratioSum / denom);
    }

    /**
     * Clipped value loss as in OpenAI's baselines and TRL:
     * <pre>
     *   V_clip = V_old + clip(V − V_old, −c, c)
     *   loss   = 0.5 · mean( max((V − R)², (V_clip − R)²) )
     * </pre>
     *
     * @param values    V (B, T), differentiable
     * @param oldValues V_old (B, T) at sampling time
     * @param returns   R (B, T) = GAE advantages + V_old
     * @param mask      (B, T)
     * @param clipRange c, e.g. 0.2
     */
    public static ValueResult clippedValueLoss(NDArray values, NDArray oldValues, NDArray returns,
                                               NDArray mask, double clipRange) {
        Tensors.requireSameShape("values", values, "oldValues", oldValues);
        Tensors.requireSameShape("values", values, "returns", returns);
        Tensors.requireSameShape("values", values, "mask", mask);
        if (!(clipRange > 0)) throw new IllegalArgumentException("clipRange must be > 0, got " + clipRange);
        NDArray vClipped = oldValues.add(
                Tensors.clamp(values.sub(oldValues), -clipRange, clipRange));    // (B, T)
        NDArray e1 = values.sub(returns);                                        // (B, T)
        NDArray e2 = vClipped.sub(returns);                                      // (B, T)
        NDArray sq1 = e1.mul(e1);                                                // (B, T)
        NDArray sq2 = e2.mul(e2);                                                // (B, T)
        NDArray loss = Tensors.maskedMean(sq1.maximum(sq2), mask)
                .mul(Tensors.scalar(values, 0.5));                               // ()

        float[] a = Tensors.values(sq1);
        float[] b = Tensors.values(sq2);
        float[] m = Tensors.values(mask);
        double n = 0, clipCount = 0;
        for (int i = 0; i < m.length; i++) {
            if (m[i] == 0) continue;
            n++;
            if (b[i] > a[i]) clipCount++;
        }
        return new ValueResult(loss, clipCount / Math.max(n, 1));
    }
}
