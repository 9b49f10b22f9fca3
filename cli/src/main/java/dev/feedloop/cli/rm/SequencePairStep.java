package dev.feedloop.cli.rm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.feedloop.ml.loss.BradleyTerry;
import dev.feedloop.ml.model.RewardModel;
import dev.feedloop.ml.preference.Comparison;
import dev.feedloop.ml.train.AdamW;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One Bradley-Terry step on a mini-batch of {@link SequencePair}s: ml-core's {@code BradleyTerryStep}
 * with whole sequences instead of (prompt, response) rows. Phases: scope; rewards of the 2N rows
 * (chosen rows, then rejected rows) under the gradient collector; the group loss (InstructGPT eq. 1,
 * {@link BradleyTerry#groupLoss}); backward; AdamW. A non-finite loss is not applied.
 */
public final class SequencePairStep {

    /** Metrics before the update, as plain doubles. */
    public record Result(double loss, double accuracy, double margin, double gradientNorm, boolean applied) {}

    private final RewardModel rewardModel;
    private final AdamW optimizer;

    public SequencePairStep(RewardModel rewardModel, AdamW optimizer) {
        this.rewardModel = rewardModel;
        this.optimizer = optimizer;
    }

    public Result step(List<SequencePair> pairs) {
        int n = pairs.size();
        // 1. scope for this step's arrays
        try (NDManager step = rewardModel.model().manager().newSubManager()) {
            List<int[]> rows = new ArrayList<>(2 * n);
            float[] weight = new float[n];
            float[] margin = new float[n];
            float[] label = new float[n];
            Set<String> groups = new HashSet<>();
            boolean anyMargin = false;
            boolean anySoft = false;
            for (SequencePair p : pairs) {
                rows.add(p.chosen());
            }
            for (int i = 0; i < n; i++) {
                SequencePair p = pairs.get(i);
                rows.add(p.rejected());
                Comparison c = p.comparison();
                weight[i] = (float) c.weight();
                margin[i] = (float) c.margin();
                label[i] = (float) c.label();
                anyMargin |= c.margin() != 0;
                anySoft |= c.label() != 1;
                groups.add(c.groupId());
            }
            BradleyTerry.Result bt;
            double loss;
            // 2. rewards under the gradient collector, 3. loss, 4. backward
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray rewards = SequenceRewards.rewards(rewardModel, step, rows); // (2N)
                NDArray chosen = rewards.get("0:{}", n); // (N)
                NDArray rejected = rewards.get("{}:", n); // (N)
                Shape shape = new Shape(n);
                bt = BradleyTerry.groupLoss(chosen, rejected, step.create(weight, shape),
                        anyMargin ? step.create(margin, shape) : null, anySoft ? step.create(label, shape) : null,
                        groups.size());
                loss = bt.loss().getFloat();
                if (!Double.isFinite(loss)) {
                    optimizer.zeroGradients();
                    return new Result(loss, bt.accuracy(), bt.meanMargin(), Double.NaN, false);
                }
                collector.backward(bt.loss());
            }
            // 5. optimiser step; 6. metrics out
            double norm = optimizer.step();
            return new Result(loss, bt.accuracy(), bt.meanMargin(), norm, true);
        }
    }
}
