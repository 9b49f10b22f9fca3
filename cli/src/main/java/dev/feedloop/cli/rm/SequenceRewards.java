package dev.feedloop.cli.rm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.feedloop.ml.model.RewardModel;
import dev.feedloop.ml.model.TokenBatch;
import dev.feedloop.ml.preference.PairwiseAccuracy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rewards of whole token sequences at their last token: each sequence enters {@link RewardModel}
 * as prompt = all but its last token, response = its last token (see {@link SequencePair}).
 */
public final class SequenceRewards {

    private SequenceRewards() {}

    /** Rewards (B) of {@code sequences} in one batch on {@code step}; differentiable when gradients are on. */
    public static NDArray rewards(RewardModel rm, NDManager step, List<int[]> sequences) {
        int b = sequences.size();
        int[][] prompts = new int[b][];
        int[][] last = new int[b][];
        for (int i = 0; i < b; i++) {
            int[] s = sequences.get(i);
            prompts[i] = Arrays.copyOf(s, s.length - 1);
            last[i] = new int[] {s[s.length - 1]};
        }
        return rm.rewards(TokenBatch.promptResponse(step, prompts, last)); // (B)
    }

    /** Rewards of many sequences, no gradient, in batches of {@code batchSize}. */
    public static float[] score(RewardModel rm, List<int[]> sequences, int batchSize) {
        List<int[]> prompts = new ArrayList<>(sequences.size());
        List<int[]> last = new ArrayList<>(sequences.size());
        for (int[] s : sequences) {
            prompts.add(Arrays.copyOf(s, s.length - 1));
            last.add(new int[] {s[s.length - 1]});
        }
        return rm.score(prompts, last, batchSize);
    }

    /**
     * Pairwise accuracy of the reward model on hard-labelled pairs (soft ties skipped, a reward tie
     * counting ½), with its 95% Wilson interval: the same rule as {@link PairwiseAccuracy#of}.
     */
    public static PairwiseAccuracy accuracy(RewardModel rm, List<SequencePair> pairs, int batchSize) {
        List<SequencePair> hard = pairs.stream().filter(p -> !p.comparison().isTie()).toList();
        List<int[]> sequences = new ArrayList<>(2 * hard.size());
        for (SequencePair p : hard) {
            sequences.add(p.chosen());
            sequences.add(p.rejected());
        }
        float[] r = score(rm, sequences, batchSize);
        double correct = 0;
        for (int i = 0; i < hard.size(); i++) {
            double d = r[2 * i] - r[2 * i + 1];
            if (hard.get(i).comparison().label() < 0.5) {
                d = -d;
            }
            correct += d > 0 ? 1 : d == 0 ? 0.5 : 0;
        }
        return PairwiseAccuracy.wilson(correct, hard.size());
    }
}
