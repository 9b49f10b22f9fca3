package dev.feedloop.cli.rm;

import dev.feedloop.ml.model.RewardModel;
import dev.feedloop.ml.preference.PairwiseAccuracy;
import dev.feedloop.ml.train.AdamW;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The training loop of {@code feedloop rm train}: epochs over the training pairs in a seeded
 * shuffle, {@code batch} pairs per {@link SequencePairStep}, AdamW with linear warm-up then cosine
 * decay to a tenth of the peak learning rate, a progress line every {@code logEvery} steps, and,
 * given validation pairs, early stopping: their accuracy every {@code evalEvery} steps and the
 * weights of the best check kept.
 */
public final class RewardModelTraining {

    /**
     * @param steps       optimiser steps
     * @param batch       pairs per step (2 × batch sequences)
     * @param learningRate peak learning rate
     * @param warmup      steps of linear warm-up from 0
     * @param weightDecay AdamW decoupled weight decay on matrices
     * @param seed        shuffling seed
     * @param logEvery    steps between progress lines; 0 = none
     * @param evalEvery   steps between validation checks (with a validation set); the weights of the
     *                    best check are kept (early stopping); 0 = keep the last step's
     */
    public record Config(int steps, int batch, double learningRate, int warmup, double weightDecay, long seed,
            int logEvery, int evalEvery) {}

    /**
     * What the run did: steps applied, pairs and tokens seen, wall time (training steps only, not
     * the validation checks), and the step whose weights were kept with its validation accuracy
     * (NaN without validation).
     */
    public record Summary(int steps, int skipped, long pairs, long tokens, double seconds, double finalLoss,
            int keptStep, double keptValidation) {
        public double pairsPerSecond() {
            return pairs / seconds;
        }

        public double tokensPerSecond() {
            return tokens / seconds;
        }
    }

    private RewardModelTraining() {}

    /** Learning rate at {@code step} (0-based): linear warm-up, then cosine from peak to peak/10. */
    static double learningRate(Config c, int step) {
        if (step < c.warmup()) {
            return c.learningRate() * (step + 1) / c.warmup();
        }
        double progress = c.steps() <= c.warmup() ? 1 : (double) (step - c.warmup()) / (c.steps() - c.warmup());
        double floor = c.learningRate() / 10;
        return floor + (c.learningRate() - floor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    }

    public static Summary train(RewardModel rm, List<SequencePair> pairs, List<SequencePair> validation, Config c,
            PrintWriter out) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no training pairs");
        }
        boolean validate = !validation.isEmpty() && c.evalEvery() > 0;
        int bestStep = c.steps();
        double bestValidation = Double.NaN;
        Map<String, float[]> best = null;
        double evalSeconds = 0;
        rm.model().setTrainable(true);
        Random random = new Random(c.seed());
        List<SequencePair> order = new ArrayList<>(pairs);
        int next = order.size(); // forces a shuffle before the first batch
        long seenPairs = 0;
        long seenTokens = 0;
        int skipped = 0;
        double windowLoss = 0;
        double windowAccuracy = 0;
        double windowMargin = 0;
        int window = 0;
        double lastLoss = Double.NaN;
        long start = System.nanoTime();
        try (AdamW adam = new AdamW(rm.model().parameters(), rm.model().manager(), c.learningRate(),
                0.9, 0.999, 1e-8, c.weightDecay(), 1.0)) {
            SequencePairStep step = new SequencePairStep(rm, adam);
            for (int s = 0; s < c.steps(); s++) {
                List<SequencePair> batch = new ArrayList<>(c.batch());
                while (batch.size() < c.batch()) {
                    if (next == order.size()) {
                        java.util.Collections.shuffle(order, random);
                        next = 0;
                    }
                    batch.add(order.get(next++));
                }
                adam.setLearningRate(learningRate(c, s));
                SequencePairStep.Result r = step.step(batch);
                seenPairs += batch.size();
                for (SequencePair p : batch) {
                    seenTokens += p.tokens();
                }
                if (!r.applied()) {
                    skipped++;
                    continue;
                }
                lastLoss = r.loss();
                windowLoss += r.loss();
                windowAccuracy += Double.isNaN(r.accuracy()) ? 0.5 : r.accuracy();
                windowMargin += Double.isNaN(r.margin()) ? 0 : r.margin();
                window++;
                if (validate && ((s + 1) % c.evalEvery() == 0 || s + 1 == c.steps())) {
                    long t0 = System.nanoTime();
                    PairwiseAccuracy v = SequenceRewards.accuracy(rm, validation, 32);
                    boolean better = Double.isNaN(bestValidation) || v.accuracy() > bestValidation;
                    if (better) {
                        bestValidation = v.accuracy();
                        bestStep = s + 1;
                        best = snapshot(rm);
                    }
                    evalSeconds += (System.nanoTime() - t0) / 1e9;
                    out.printf(Locale.ROOT, "step %5d/%d  validation acc %.3f on %d pairs%s%n", s + 1, c.steps(),
                            v.accuracy(), v.pairs(), better ? "  (best so far: kept)" : "");
                    out.flush();
                }
                if (c.logEvery() > 0 && ((s + 1) % c.logEvery() == 0 || s + 1 == c.steps())) {
                    double seconds = (System.nanoTime() - start) / 1e9 - evalSeconds;
                    out.printf(Locale.ROOT, "step %5d/%d  loss %.4f  train acc %.3f  margin %+.3f  lr %.2e  %.1f pairs/s%n",
                            s + 1, c.steps(), windowLoss / window, windowAccuracy / window, windowMargin / window,
                            adam.learningRate(), seenPairs / seconds);
                    out.flush();
                    windowLoss = 0;
                    windowAccuracy = 0;
                    windowMargin = 0;
                    window = 0;
                }
            }
        } finally {
            rm.model().setTrainable(false);
        }
        double seconds = (System.nanoTime() - start) / 1e9 - evalSeconds;
        if (best != null && bestStep != c.steps()) {
            restore(rm, best);
            out.printf(Locale.ROOT, "kept the weights of step %d (validation acc %.3f)%n", bestStep, bestValidation);
        }
        return new Summary(c.steps() - skipped, skipped, seenPairs, seenTokens, seconds, lastLoss, bestStep, bestValidation);
    }

    /** A copy of every weight, by name. */
    static Map<String, float[]> snapshot(RewardModel rm) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        rm.model().weights().forEach((name, w) -> copy.put(name, w.toFloatArray()));
        return copy;
    }

    /** Writes a snapshot back into the weights, in place (outside autograd: the model is not trainable now). */
    static void restore(RewardModel rm, Map<String, float[]> snapshot) {
        rm.model().weights().forEach((name, w) -> w.set(FloatBuffer.wrap(snapshot.get(name))));
    }
}
