package dev.feedloop.ml.loss;

import ai.djl.ndarray.NDArray;

/**
 * Entropy of the next-token distribution per position, H = −Σ_v p_v log p_v with
 * log p = log_softmax(logits), TRL's {@code objective/entropy} when averaged over response tokens.
 *
 * <p>Dimensions: B sequences, T tokens, V vocabulary.
 */
public final class Entropy {

    private Entropy() {}

    /** Entropy per token: logits (B, T, V) → (B, T). */
    public static NDArray perToken(NDArray logits) {
        NDArray logProbs = logits.logSoftmax(-1);                         // (B, T, V)
        return logProbs.exp().mul(logProbs).sum(new int[] {-1}).neg();   // (B, T)
    }

    /** Masked mean entropy: logits (B, T, V), mask (B, T) → (). */
    public static NDArray maskedMean(NDArray logits, NDArray mask) {
        NDArray h = perToken(logits);                                    // (B, T)
        Tensors.requireSameShape("entropy", h, "mask", mask);
        return Tensors.maskedMean(h, mask);                              // ()
    }
}
