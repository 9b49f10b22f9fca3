package dev.feedloop.ml.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.model.TokenBatch;
import java.util.List;

/**
 * Teacher-forced log-probs of given response tokens after their prompts: the primitive behind the
 * PPO ratio, the KL to the reference, and supervised fine-tuning. Uses the temperature convention
 * of {@link SamplingParams}: {@code log softmax(logits / temperature)} over the whole vocabulary.
 *
 * <p>Dimensions: B pairs, R longest response, C width, V vocabulary.
 */
public final class LogProbScorer {

    private LogProbScorer() {}

    /**
     * What one forward pass over (prompt, response) pairs gives a training step.
     *
     * @param logprobs (B, R) log-prob of each response token (0 where masked)
     * @param mask     (B, R) 1 for real response tokens
     * @param hidden   (B, R, C) hidden state at the position that predicts each response token
     * @param logits   (B, R, V) temperature-scaled logits at those positions
     */
    public record ResponseForward(NDArray logprobs, NDArray mask, NDArray hidden, NDArray logits) {}

    /** Forward over a prompt/response batch (see {@link TokenBatch#promptResponse}); differentiable. */
    public static ResponseForward forward(LlamaModel model, TokenBatch batch, float temperature) {
        NDManager step = batch.tokens().getManager();
        int r = batch.maxResponseLength();
        int start = batch.responseStart();
        NDArray all = model.forward(batch.tokens(), batch.positions(), batch.keyBias(), null); // (B, T, C)
        NDArray hidden = all.get(":, {}:{}, :", start - 1, start - 1 + r); // (B, R, C)
        NDArray logits = model.logits(hidden); // (B, R, V)
        if (temperature != 1f) {
            logits = logits.div(step.full(new Shape(), temperature, DataType.FLOAT32)); // (B, R, V)
        }
        NDArray targets = batch.tokens().get(":, {}:{}", start, start + r).expandDims(-1); // (B, R, 1)
        NDArray mask = batch.responseMask(step); // (B, R)
        NDArray logprobs = logits.logSoftmax(-1).gather(targets, -1).squeeze(-1).mul(mask); // (B, R)
        return new ResponseForward(logprobs, mask, hidden, logits);
    }

    /** Per-token log-probs of each response, no gradient. Prompts start with BOS. */
    public static float[][] score(LlamaModel model, List<int[]> prompts, List<int[]> responses, float temperature) {
        boolean gradMode = ai.djl.pytorch.jni.JniUtils.isGradMode();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try (NDManager step = model.manager().newSubManager()) {
            TokenBatch batch = TokenBatch.promptResponse(step,
                    prompts.toArray(new int[0][]), responses.toArray(new int[0][]));
            float[] flat = forward(model, batch, temperature).logprobs().toFloatArray();
            int r = batch.maxResponseLength();
            float[][] out = new float[responses.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = new float[responses.get(i).length];
                System.arraycopy(flat, i * r, out[i], 0, out[i].length);
            }
            return out;
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(gradMode);
        }
    }
}
