package dev.feedloop.ml.sampling;

/** Why a sampled sequence stopped. */
public enum FinishReason {
    /** The model emitted its end-of-sequence token (included in the tokens). */
    EOS,
    /** The sequence reached max new tokens or the context window. */
    LENGTH
}
