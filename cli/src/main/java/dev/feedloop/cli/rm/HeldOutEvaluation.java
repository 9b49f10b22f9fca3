package dev.feedloop.cli.rm;

import dev.feedloop.ml.preference.BagOfWordsLogReg;
import dev.feedloop.ml.preference.Comparison;
import dev.feedloop.ml.preference.ComparisonStats;
import dev.feedloop.ml.preference.HeldOutSplit;
import dev.feedloop.ml.preference.LengthBaseline;
import dev.feedloop.ml.preference.PairEncoder;
import dev.feedloop.ml.preference.PairwiseAccuracy;
import dev.feedloop.ml.tokenizer.Tokenizer;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The data of one {@code feedloop rm} run, split and encoded, and the yardsticks computed on it:
 * train / held-out by {@link HeldOutSplit} (a hash of the prompt text, so the same prompts are held
 * out in {@code rm train} and in a later {@code rm eval} of the same files), both sides tokenised by
 * {@link PairEncoder}, and the three baselines a reward model must beat, scored on exactly the
 * held-out pairs the reward model is scored on: always the longer response, always the shorter,
 * and bag-of-words logistic regression fitted on the training pairs.
 */
public final class HeldOutEvaluation {

    /**
     * Everything a run needs. {@code validation} (empty unless asked for) is carved out of the
     * training prompts, by the same hash: prompts whose hash lies in [held-out, held-out + validation).
     * It picks the step to keep and is never the held-out set the figures are reported on.
     */
    public record Prepared(PreferenceData.Loaded loaded, List<SequencePair> train, List<SequencePair> validation,
            List<SequencePair> heldOut, Map<String, PairwiseAccuracy> baselines) {}

    public static final String LONGER = "always the longer response";
    public static final String SHORTER = "always the shorter response";
    public static final String BAG_OF_WORDS = "bag-of-words logistic regression";
    public static final String REWARD_MODEL = "reward model";

    private HeldOutEvaluation() {}

    /**
     * Splits, encodes and computes the baselines.
     *
     * @param heldOutFraction share of prompts held out, in (0, 1)
     */
    public static Prepared prepare(PreferenceData.Loaded loaded, Tokenizer tokenizer, int maxTokens,
            double heldOutFraction) {
        return prepare(loaded, tokenizer, maxTokens, heldOutFraction, 0);
    }

    /**
     * As {@link #prepare(PreferenceData.Loaded, Tokenizer, int, double)}, also setting aside a
     * validation share of the prompts. The bag-of-words baseline is fitted on training and
     * validation pairs together (everything not held out): the stronger baseline.
     *
     * @param validationFraction share of all prompts, ≥ 0, with heldOutFraction + it &lt; 1
     */
    public static Prepared prepare(PreferenceData.Loaded loaded, Tokenizer tokenizer, int maxTokens,
            double heldOutFraction, double validationFraction) {
        HeldOutSplit.Split split = new HeldOutSplit(heldOutFraction).split(loaded.comparisons());
        List<Comparison> fit = split.train();
        List<Comparison> validation = List.of();
        if (validationFraction > 0) {
            HeldOutSplit.Split inner = new HeldOutSplit(heldOutFraction + validationFraction).split(split.train());
            fit = inner.train();
            validation = inner.heldOut();
        }
        PairEncoder encoder = new PairEncoder(tokenizer, maxTokens, true, true);
        ComparisonStats stats = loaded.stats();
        List<SequencePair> train = SequencePair.encode(encoder, fit, stats);
        List<SequencePair> valid = SequencePair.encode(encoder, validation, stats);
        List<SequencePair> heldOut = SequencePair.encode(encoder, split.heldOut(), stats);
        return new Prepared(loaded, train, valid, heldOut, baselines(split.train(), heldOut));
    }

    /** The three baselines on the held-out pairs; bag-of-words fitted on {@code trainComparisons}. */
    static Map<String, PairwiseAccuracy> baselines(List<Comparison> trainComparisons, List<SequencePair> heldOut) {
        List<Comparison> test = heldOut.stream().map(SequencePair::comparison).toList();
        Map<String, PairwiseAccuracy> out = new LinkedHashMap<>();
        out.put(BAG_OF_WORDS, PairwiseAccuracy.of(test,
                BagOfWordsLogReg.train(trainComparisons, BagOfWordsLogReg.Config.defaults())));
        out.put(LONGER, PairwiseAccuracy.of(test, LengthBaseline.LONGER));
        out.put(SHORTER, PairwiseAccuracy.of(test, LengthBaseline.SHORTER));
        return out;
    }

    /** The accuracy table: the reward model first, then the baselines, and how it compares. */
    public static void print(PrintWriter out, String what, PairwiseAccuracy rewardModel,
            Map<String, PairwiseAccuracy> baselines) {
        out.printf(Locale.ROOT, "%s: %,d pairs, accuracy with 95%% Wilson interval%n", what, rewardModel.pairs());
        out.println(row(REWARD_MODEL, rewardModel));
        for (Map.Entry<String, PairwiseAccuracy> b : baselines.entrySet()) {
            out.println(row(b.getKey(), b.getValue()));
        }
        Map.Entry<String, PairwiseAccuracy> best = baselines.entrySet().stream()
                .max((a, b) -> Double.compare(a.getValue().accuracy(), b.getValue().accuracy())).orElseThrow();
        double gap = rewardModel.accuracy() - best.getValue().accuracy();
        out.printf(Locale.ROOT, "reward model %s the best baseline (%s) by %+.1f points%n",
                gap > 0 ? "beats" : "does not beat", best.getKey(), 100 * gap);
        out.flush();
    }

    static String row(String name, PairwiseAccuracy a) {
        return String.format(Locale.ROOT, "  %-34s %.3f [%.3f, %.3f]", name, a.accuracy(), a.lower95(), a.upper95());
    }
}
