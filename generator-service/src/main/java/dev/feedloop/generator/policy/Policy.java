package dev.feedloop.generator.policy;

import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.sampling.Sampler;
import dev.feedloop.ml.tokenizer.Tokenizer;

/**
 * One loaded policy version: the model, its tokenizer and the sampler over both.
 *
 * @param version the policy version (0 = the base model)
 * @param origin  where it was loaded from, for logs
 */
public record Policy(long version, LlamaModel model, Tokenizer tokenizer, Sampler sampler, String origin)
        implements AutoCloseable {

    public Policy(long version, LlamaModel model, Tokenizer tokenizer, String origin) {
        this(version, model, tokenizer, new Sampler(model, tokenizer), origin);
    }

    /** Frees the model's native memory; the policy must no longer be sampled from. */
    @Override
    public void close() {
        model.close();
    }
}
