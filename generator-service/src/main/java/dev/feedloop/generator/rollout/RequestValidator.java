package dev.feedloop.generator.rollout;

import dev.feedloop.contracts.events.v1.PromptSubmitted;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.generator.v1.GenerateRequest;
import dev.feedloop.ml.sampling.Sampler;
import dev.feedloop.ml.sampling.SamplingParams;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Checks a prompt event or a gRPC request and fills in the configured defaults (a zero field
 * means "the default"). Both paths share it, so a prompt refused over gRPC is also refused from
 * Kafka, with the same field named.
 */
public final class RequestValidator {

    /** The generator's defaults and limits. */
    public record Limits(int defaultK, float temperature, float topP, int topK, int maxNewTokens,
            int maxNewTokensLimit, int maxPromptChars) {
        public Limits {
            check("feedloop.generator.samples-per-prompt", defaultK >= 1 && defaultK <= Sampler.MAX_SAMPLES_PER_PROMPT,
                    defaultK + " is outside 1…" + Sampler.MAX_SAMPLES_PER_PROMPT);
            check("feedloop.generator.sampling.max-new-tokens-limit", maxNewTokensLimit >= 1,
                    maxNewTokensLimit + " must be >= 1");
            check("feedloop.generator.sampling.max-new-tokens", maxNewTokens >= 1 && maxNewTokens <= maxNewTokensLimit,
                    maxNewTokens + " is outside 1…" + maxNewTokensLimit + " (max-new-tokens-limit)");
            check("feedloop.generator.max-prompt-chars", maxPromptChars >= 1, maxPromptChars + " must be >= 1");
            try {
                new SamplingParams(temperature, topP, topK, maxNewTokens, 0);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("feedloop.generator.sampling: " + e.getMessage(), e);
            }
        }

        private static void check(String key, boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(key + " = " + message);
            }
        }
    }

    private final Limits limits;
    private final SplittableRandom seeds = new SplittableRandom();

    public RequestValidator(Limits limits) {
        this.limits = limits;
    }

    public Limits limits() {
        return limits;
    }

    /** A prompt from {@code feedloop.prompts.v1}; K from {@code num_responses} or the default. */
    public PromptRequest fromEvent(PromptSubmitted event) {
        if (event.getPromptId().isEmpty()) {
            throw new InvalidRequestException("prompt_id", "is empty");
        }
        int k = event.getNumResponses() == 0 ? limits.defaultK() : event.getNumResponses();
        checkK("num_responses", event.getNumResponses(), k);
        checkPrompt("text", event.getText());
        Source source = event.getSource() == Source.SOURCE_UNSPECIFIED ? Source.CURATED : event.getSource();
        return request(event.getPromptId(), event.getText(), source, k,
                event.hasSampling() ? event.getSampling() : null);
    }

    /** A production request; {@code n = 0} means 1 (see generator.proto). */
    public PromptRequest fromGrpc(GenerateRequest request) {
        int n = request.getN() == 0 ? 1 : request.getN();
        checkK("n", request.getN(), n);
        checkPrompt("prompt", request.getPrompt());
        String promptId = request.getPromptId().isEmpty() ? UUID.randomUUID().toString() : request.getPromptId();
        return request(promptId, request.getPrompt(), Source.PRODUCTION, n,
                request.hasSampling() ? request.getSampling() : null);
    }

    private void checkK(String field, long asked, int k) {
        if (k < 1 || k > Sampler.MAX_SAMPLES_PER_PROMPT) {
            throw new InvalidRequestException(field, asked + " is outside 1…" + Sampler.MAX_SAMPLES_PER_PROMPT);
        }
    }

    private void checkPrompt(String field, String text) {
        if (text.length() > limits.maxPromptChars()) {
            throw new InvalidRequestException(field, text.length() + " characters is over the limit of "
                    + limits.maxPromptChars());
        }
    }

    private PromptRequest request(String promptId, String text, Source source, int k,
            dev.feedloop.contracts.events.v1.SamplingParams asked) {
        float temperature = limits.temperature();
        float topP = limits.topP();
        int topK = limits.topK();
        int maxNewTokens = limits.maxNewTokens();
        long seed = 0;
        if (asked != null) {
            if (asked.getTemperature() != 0) {
                temperature = asked.getTemperature();
                if (!(temperature > 0) || Float.isInfinite(temperature)) {
                    throw new InvalidRequestException("sampling.temperature", temperature + " must be > 0 and finite (0 = default)");
                }
            }
            if (asked.getTopP() != 0) {
                topP = asked.getTopP();
                if (!(topP > 0 && topP <= 1)) {
                    throw new InvalidRequestException("sampling.top_p", topP + " is outside (0, 1]");
                }
            }
            if (asked.getTopK() != 0) {
                topK = asked.getTopK();
                if (topK < 0) {  // uint32 above 2^31 arrives negative
                    throw new InvalidRequestException("sampling.top_k", Integer.toUnsignedString(topK) + " is too large");
                }
            }
            if (asked.getMaxNewTokens() != 0) {
                maxNewTokens = asked.getMaxNewTokens();
                if (maxNewTokens < 1 || maxNewTokens > limits.maxNewTokensLimit()) {
                    throw new InvalidRequestException("sampling.max_new_tokens", Integer.toUnsignedString(maxNewTokens)
                            + " is outside 1…" + limits.maxNewTokensLimit());
                }
            }
            seed = asked.getSeed();
        }
        boolean seeded = seed != 0;
        if (!seeded) {
            synchronized (seeds) {
                seed = seeds.nextLong();
            }
        }
        return new PromptRequest(promptId, text, source, k,
                new SamplingParams(temperature, topP, topK, maxNewTokens, seed), seeded);
    }
}
