package dev.feedloop.generator.rollout;

import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.ml.sampling.SamplingParams;

/**
 * A validated request for K responses to one prompt.
 *
 * @param promptId  the prompt's id (the rollout's Kafka key)
 * @param text      the prompt text
 * @param source    where the prompt came from; copied to the rollout
 * @param k         responses to sample, 1…64
 * @param sampling  the parameters to use, defaults filled in
 * @param seeded    whether the caller chose the seed (then the prompt is sampled alone, so that
 *                  the recorded seed reproduces it); otherwise the seed is random per batch
 */
public record PromptRequest(String promptId, String text, Source source, int k, SamplingParams sampling,
        boolean seeded) {
}
