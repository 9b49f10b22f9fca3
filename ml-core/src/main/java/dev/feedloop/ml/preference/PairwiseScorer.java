package dev.feedloop.ml.preference;

/** Anything that scores a response to a prompt, higher = better: a reward model or a baseline. */
@FunctionalInterface
public interface PairwiseScorer {
    double score(String prompt, String response);
}
