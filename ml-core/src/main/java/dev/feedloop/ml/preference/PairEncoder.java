package dev.feedloop.ml.preference;

import dev.feedloop.ml.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Tokenises comparisons into two sequences {@code [BOS] prompt response [EOS]} of at most
 * {@code maxLength} tokens each, for a reward model that reads its score at the last real token.
 *
 * <p><b>Truncation.</b> Let budget = maxLength − the special tokens, P the prompt's tokens and R the
 * longer response's tokens.
 * <ul>
 *   <li>If R ≤ budget, the prompt keeps its last budget − R tokens (it is cut from the <em>left</em>,
 *       keeping the context nearest the reply), the same cut for both sides, and both responses
 *       survive whole.</li>
 *   <li>If R &gt; budget, the prompt still keeps its last min(P, budget / 4) tokens, so the reward
 *       model never judges a reply with no context at all, and each response longer than the rest
 *       of the budget loses its <em>end</em>. Rare for chat data; counted as
 *       {@code response_truncated}.</li>
 * </ul>
 * A pair whose two token sequences are equal after this (same tokens, e.g. replies that differ only
 * past the cut or only in what the tokenizer does not distinguish) teaches nothing and is dropped
 * as {@code identical_after_truncation}.
 */
public final class PairEncoder {

    /** The two sequences of one comparison; {@code promptTokens} of each are the shared prompt. */
    public record EncodedPair(Comparison comparison, int[] chosen, int[] rejected, int promptTokens) {}

    private final Tokenizer tokenizer;
    private final int maxLength;
    private final boolean addBos;
    private final boolean addEos;

    /**
     * @param maxLength tokens per sequence including BOS/EOS
     * @param addBos    prepend the tokenizer's BOS (ignored when it has none)
     * @param addEos    append the tokenizer's EOS (ignored when it has none)
     */
    public PairEncoder(Tokenizer tokenizer, int maxLength, boolean addBos, boolean addEos) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.addBos = addBos && tokenizer.bosId() >= 0;
        this.addEos = addEos && tokenizer.eosId() >= 0;
        int special = (this.addBos ? 1 : 0) + (this.addEos ? 1 : 0);
        if (maxLength < special + 4) {
            throw new IllegalArgumentException("maxLength " + maxLength + " leaves no room beside " + special + " special tokens");
        }
        this.maxLength = maxLength;
    }

    /** Encodes every comparison, dropping and counting the ones whose sides become identical. */
    public List<EncodedPair> encode(List<Comparison> comparisons, ComparisonStats stats) {
        List<EncodedPair> out = new ArrayList<>(comparisons.size());
        for (Comparison c : comparisons) {
            EncodedPair e = encode(c, stats);
            if (e != null) out.add(e);
        }
        return out;
    }

    /** One comparison, or null when its two sides are identical after tokenisation and truncation. */
    public EncodedPair encode(Comparison c, ComparisonStats stats) {
        int budget = maxLength - (addBos ? 1 : 0) - (addEos ? 1 : 0);
        int[] prompt = tokenizer.encode(c.prompt());
        int[] chosen = tokenizer.encode(c.chosen());
        int[] rejected = tokenizer.encode(c.rejected());
        int longer = Math.max(chosen.length, rejected.length);
        int keepPrompt = longer <= budget
                ? Math.min(prompt.length, budget - longer)
                : Math.min(prompt.length, budget / 4);
        if (keepPrompt < prompt.length) stats.increment(ComparisonStats.PROMPT_TRUNCATED);
        int responseBudget = budget - keepPrompt;
        if (longer > responseBudget) stats.increment(ComparisonStats.RESPONSE_TRUNCATED);
        int[] promptTail = Arrays.copyOfRange(prompt, prompt.length - keepPrompt, prompt.length);
        int[] a = sequence(promptTail, chosen, responseBudget);
        int[] b = sequence(promptTail, rejected, responseBudget);
        if (Arrays.equals(a, b)) {
            stats.increment(ComparisonStats.IDENTICAL_AFTER_TRUNCATION);
            return null;
        }
        stats.increment(ComparisonStats.ENCODED_PAIRS);
        return new EncodedPair(c, a, b, keepPrompt + (addBos ? 1 : 0));
    }

    private int[] sequence(int[] promptTail, int[] response, int responseBudget) {
        int r = Math.min(response.length, responseBudget);
        int[] s = new int[(addBos ? 1 : 0) + promptTail.length + r + (addEos ? 1 : 0)];
        int i = 0;
        if (addBos) s[i++] = tokenizer.bosId();
        System.arraycopy(promptTail, 0, s, i, promptTail.length);
        i += promptTail.length;
        System.arraycopy(response, 0, s, i, r);
        i += r;
        if (addEos) s[i] = tokenizer.eosId();
        return s;
    }
}
