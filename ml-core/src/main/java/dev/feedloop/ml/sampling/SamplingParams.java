package dev.feedloop.ml.sampling;

/**
 * How to sample.
 *
 * <p><b>Temperature convention.</b> The behaviour log-prob recorded for a sampled token is
 * {@code log softmax(logits / temperature)[token]} over the whole vocabulary — before top-k and
 * top-p truncation, which only restrict where the sample may land. With temperature 0 (greedy) the
 * log-prob is taken at temperature 1. The trainer computes its log-probs with the same temperature
 * ({@link LogProbScorer}), so the PPO ratio compares like with like.
 *
 * @param temperature   0 = greedy; otherwise > 0
 * @param topP          nucleus mass in (0, 1]; 1 = off
 * @param topK          0 = off; otherwise keep the k most likely tokens
 * @param maxNewTokens  at least 1
 * @param seed          same seed, same prompts and same model → same output
 */
public record SamplingParams(float temperature, float topP, int topK, int maxNewTokens, long seed) {

    public SamplingParams {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature " + temperature + " must be >= 0 and finite");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP " + topP + " must be in (0, 1]");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK " + topK + " must be >= 0 (0 = off)");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens " + maxNewTokens + " must be >= 1");
        }
    }

    /** Temperature 1, no truncation, 64 new tokens. */
    public static SamplingParams defaults(long seed) {
        return new SamplingParams(1.0f, 1.0f, 0, 64, seed);
    }

    /** Argmax decoding. */
    public static SamplingParams greedy(int maxNewTokens) {
        return new SamplingParams(0f, 1f, 0, maxNewTokens, 0);
    }

    /** The temperature the log-probs are computed at (1 for greedy). */
    public float logProbTemperature() {
        return temperature == 0 ? 1f : temperature;
    }

    public SamplingParams withSeed(long newSeed) {
        return new SamplingParams(temperature, topP, topK, maxNewTokens, newSeed);
    }

    public SamplingParams withMaxNewTokens(int n) {
        return new SamplingParams(temperature, topP, topK, n, seed);
    }
}
