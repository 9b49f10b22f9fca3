package dev.feedloop.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.feedloop.ml.loss.BradleyTerry;
import dev.feedloop.ml.model.RewardModel;
import dev.feedloop.ml.model.TokenBatch;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One reward-model step on a mini-batch of comparisons: both sides of every pair in one padded
 * batch, rewards at the last real token, the Bradley-Terry group loss (InstructGPT eq. 1), backward,
 * AdamW. A non-finite loss is never applied: the step is skipped and counted.
 *
 * <p>Dimensions: N pairs; the batch holds 2N sequences (chosen rows, then rejected rows).
 */
public final class BradleyTerryStep {
    private final RewardModel rewardModel;
    private final AdamW optimizer;
    private long skipped;

    /**
     * @param loss     Bradley-Terry loss (nats)
     * @param accuracy fraction of hard pairs ordered correctly before the update
     * @param margin   mean r_c − r_r before the update
     * @param pairs    N
     * @param applied  false when the loss was not finite and the step was skipped
     */
    public record Result(double loss, double accuracy, double margin, int pairs, double gradientNorm,
            boolean applied) {}

    public BradleyTerryStep(RewardModel rewardModel, AdamW optimizer) {
        this.rewardModel = rewardModel;
        this.optimizer = optimizer;
    }

    public long skipped() {
        return skipped;
    }

    public Result step(List<EncodedPair> pairs) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("a reward-model step needs at least one pair");
        }
        // 1. scope for this step's arrays
        try (NDManager step = rewardModel.model().manager().newSubManager()) {
            BradleyTerry.Result bt;
            double loss;
            // 2. rewards under the gradient collector, 3. loss, 4. backward
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                bt = loss(step, pairs);
                loss = bt.loss().getFloat();
                if (!Double.isFinite(loss)) {
                    optimizer.zeroGradients();
                    skipped++;
                    return new Result(loss, bt.accuracy(), bt.meanMargin(), pairs.size(), Double.NaN, false);
                }
                collector.backward(bt.loss());
            }
            // 5. optimiser step; 6. metrics out as plain doubles
            double norm = optimizer.step();
            return new Result(loss, bt.accuracy(), bt.meanMargin(), pairs.size(), norm, true);
        }
    }

    /** Loss and diagnostics without an update (held-out evaluation uses {@link RewardEvaluator}). */
    BradleyTerry.Result loss(NDManager step, List<EncodedPair> pairs) {
        int n = pairs.size();
        int[][] prompts = new int[2 * n][];
        int[][] responses = new int[2 * n][];
        float[] weight = new float[n];
        float[] margin = new float[n];
        float[] label = new float[n];
        Set<String> groups = new HashSet<>();
        boolean anyMargin = false;
        boolean anySoft = false;
        for (int i = 0; i < n; i++) {
            EncodedPair p = pairs.get(i);
            prompts[i] = p.prompt();
            prompts[n + i] = p.prompt();
            responses[i] = p.chosen();
            responses[n + i] = p.rejected();
            weight[i] = p.weight();
            margin[i] = p.margin();
            label[i] = p.label();
            anyMargin |= p.margin() != 0f;
            anySoft |= p.label() != 1f;
            groups.add(p.groupId());
        }
        TokenBatch batch = TokenBatch.promptResponse(step, prompts, responses);
        NDArray rewards = rewardModel.rewards(batch); // (2N)
        NDArray chosen = rewards.get("0:{}", n); // (N)
        NDArray rejected = rewards.get("{}:", n); // (N)
        Shape shape = new Shape(n);
        return BradleyTerry.groupLoss(chosen, rejected, step.create(weight, shape),
                anyMargin ? step.create(margin, shape) : null, anySoft ? step.create(label, shape) : null,
                groups.size());
    }
}
