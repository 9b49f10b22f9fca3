package dev.feedloop.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * A reward model: a Llama trunk (initialised from a policy checkpoint, as InstructGPT initialises
 * its reward model from the SFT model) with a scalar head read at the last real token of each
 * (prompt, response) sequence. Prompts are left-padded and responses right-padded, so neither the
 * padding nor the other rows of a batch change a score.
 *
 * <p>Dimensions: B sequences, T batch width, C width.
 */
public final class RewardModel {
    private final LlamaModel model;

    /** Adds a zero-initialised reward head to {@code trunk} if it has none. */
    public RewardModel(LlamaModel trunk) {
        trunk.addRewardHead();
        this.model = trunk;
    }

    public LlamaModel model() {
        return model;
    }

    /** Rewards (B) for a prompt/response batch; differentiable when gradients are on. */
    public NDArray rewards(TokenBatch batch) {
        NDManager step = batch.tokens().getManager();
        NDArray hidden = model.forward(batch.tokens(), batch.positions(), batch.keyBias(), null); // (B, T, C)
        NDArray perPosition = model.reward(hidden); // (B, T)
        long[] last = new long[batch.size()];
        for (int r = 0; r < batch.size(); r++) {
            // the last real token: the response's last one, or the prompt's last one when it is empty
            last[r] = batch.responseStart() + batch.responseLengths()[r] - 1;
        }
        NDArray index = step.create(last, new Shape(batch.size(), 1)); // (B, 1)
        return perPosition.gather(index, 1).squeeze(1); // (B)
    }

    /** Scores (prompt, response) token pairs in batches of {@code batchSize}, no gradient. */
    public float[] score(List<int[]> prompts, List<int[]> responses, int batchSize) {
        float[] out = new float[prompts.size()];
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int start = 0; start < prompts.size(); start += batchSize) {
                int end = Math.min(prompts.size(), start + batchSize);
                try (NDManager step = model.manager().newSubManager()) {
                    TokenBatch batch = TokenBatch.promptResponse(step,
                            prompts.subList(start, end).toArray(new int[0][]),
                            responses.subList(start, end).toArray(new int[0][]));
                    float[] r = rewards(batch).toFloatArray();
                    System.arraycopy(r, 0, out, start, r.length);
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return out;
    }
}
