package dev.feedloop.ml.sampling;

/**
 * One sampled sequence.
 *
 * @param promptIndex  which prompt of the call
 * @param sampleIndex  which of its K samples
 * @param promptTokens the exact model input before the response (BOS first), after any truncation
 * @param tokens       sampled token ids (EOS included when finishReason is EOS)
 * @param logprobs     behaviour log-prob of each sampled token (see {@link SamplingParams})
 * @param text         decoded response text (EOS not shown)
 * @param finishReason why sampling stopped
 */
public record Generation(int promptIndex, int sampleIndex, int[] promptTokens, int[] tokens,
        float[] logprobs, String text, FinishReason finishReason) {

    /** Sum of the log-probs: the log-likelihood of the whole response under the sampling policy. */
    public double totalLogprob() {
        double sum = 0;
        for (float lp : logprobs) {
            sum += lp;
        }
        return sum;
    }
}
