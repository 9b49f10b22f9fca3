package dev.feedloop.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.model.TokenBatch;
import dev.feedloop.ml.sampling.LogProbScorer;
import java.util.List;

/**
 * One supervised (next-token cross-entropy) step on whole token sequences: the loss is the mean
 * negative log-likelihood of every token after the first, given the tokens before it.
 */
public final class SupervisedStep {
    private final LlamaModel model;
    private final AdamW optimizer;
    private long skipped;

    /** Result of one step: mean cross-entropy per token (nats), tokens, gradient norm, applied. */
    public record Result(double loss, int tokens, double gradientNorm, boolean applied) {}

    public SupervisedStep(LlamaModel model, AdamW optimizer) {
        this.model = model;
        this.optimizer = optimizer;
    }

    /** Steps that produced a non-finite loss and were skipped. */
    public long skipped() {
        return skipped;
    }

    /** Sequences start with BOS; each needs at least two tokens. */
    public Result step(List<int[]> sequences) {
        int[][] prompts = new int[sequences.size()][];
        int[][] targets = new int[sequences.size()][];
        int tokens = 0;
        for (int i = 0; i < sequences.size(); i++) {
            int[] s = sequences.get(i);
            if (s.length < 2) {
                throw new IllegalArgumentException("sequence " + i + " has " + s.length + " tokens; needs at least 2");
            }
            prompts[i] = new int[] {s[0]};
            targets[i] = java.util.Arrays.copyOfRange(s, 1, s.length);
            tokens += targets[i].length;
        }
        // 1. scope for this step's arrays
        try (NDManager step = model.manager().newSubManager()) {
            double loss;
            // 2. forward under the gradient collector, 3. loss, 4. backward
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                TokenBatch batch = TokenBatch.promptResponse(step, prompts, targets);
                LogProbScorer.ResponseForward f = LogProbScorer.forward(model, batch, 1f);
                NDArray nll = f.logprobs().sum().neg().div(f.mask().sum()); // ()
                loss = nll.getFloat();
                if (!Double.isFinite(loss)) {
                    optimizer.zeroGradients();
                    skipped++;
                    return new Result(loss, tokens, Double.NaN, false);
                }
                collector.backward(nll);
            }
            // 5. optimiser step
            double norm = optimizer.step();
            return new Result(loss, tokens, norm, true);
        }
    }
}
