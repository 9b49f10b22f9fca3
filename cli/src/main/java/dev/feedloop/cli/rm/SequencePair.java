package dev.feedloop.cli.rm;

import dev.feedloop.ml.preference.Comparison;
import dev.feedloop.ml.preference.ComparisonStats;
import dev.feedloop.ml.preference.PairEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * One comparison as two whole token sequences ({@code [BOS] prompt response [EOS]}, from
 * {@link PairEncoder}), scored at their last token.
 *
 * <p>Why whole sequences rather than ml-core's (prompt, response) split: a batch of
 * (prompt, response) rows is as wide as its longest prompt plus its longest response, up to twice
 * the longest sequence when one pair has a long prompt and another a long reply (common in
 * HH-RLHF). Fed as "everything but the last token" + "the last token", every row is left-padded to
 * the longest sequence only, and the reward read at the last token is the same number (the
 * trunk is causal and padding is masked; ml-core tests that a padded row scores as it does alone).
 *
 * @param comparison the comparison it encodes (text, weight, margin, label, group)
 * @param chosen     tokens of the chosen side, at least 2
 * @param rejected   tokens of the rejected side, at least 2
 */
public record SequencePair(Comparison comparison, int[] chosen, int[] rejected) {

    /** Encodes comparisons with {@code encoder}; drops (and counts) the ones it drops. */
    public static List<SequencePair> encode(PairEncoder encoder, List<Comparison> comparisons, ComparisonStats stats) {
        List<SequencePair> out = new ArrayList<>(comparisons.size());
        for (PairEncoder.EncodedPair e : encoder.encode(comparisons, stats)) {
            if (e.chosen().length < 2 || e.rejected().length < 2) {
                stats.increment("too_short_to_score");
                continue;
            }
            out.add(new SequencePair(e.comparison(), e.chosen(), e.rejected()));
        }
        return out;
    }

    /** Tokens of both sides together. */
    public int tokens() {
        return chosen.length + rejected.length;
    }
}
