package dev.feedloop.ml.sampling;

import dev.feedloop.ml.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * Prompt text → model input: BOS then the prompt's tokens. An empty prompt is just BOS.
 *
 * <p>A prompt that leaves fewer than {@code maxNewTokens} positions in the context window is
 * left-truncated (BOS kept, the oldest prompt tokens dropped) with a warning: the end of a prompt
 * matters most for what comes next. A request whose {@code maxNewTokens} alone fills the context
 * window is refused with both numbers named.
 */
public final class PromptEncoder {
    private static final System.Logger LOG = System.getLogger(PromptEncoder.class.getName());

    private final Tokenizer tokenizer;
    private final int contextLength;

    public PromptEncoder(Tokenizer tokenizer, int contextLength) {
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
    }

    /** BOS + tokens of {@code prompt}, left-truncated so that maxNewTokens still fit. */
    public int[] encode(String prompt, int maxNewTokens) {
        return fit(withBos(tokenizer.encode(prompt == null ? "" : prompt)), maxNewTokens);
    }

    /** Prompt tokens (already starting with BOS where the tokenizer has one), made to fit. */
    public int[] fit(int[] promptTokens, int maxNewTokens) {
        if (maxNewTokens >= contextLength) {
            throw new IllegalArgumentException("maxNewTokens " + maxNewTokens
                    + " leaves no room for a prompt in the context length " + contextLength);
        }
        int budget = contextLength - maxNewTokens;
        if (promptTokens.length <= budget) {
            return promptTokens;
        }
        LOG.log(System.Logger.Level.WARNING, "prompt of {0} tokens left-truncated to {1} "
                + "(context length {2}, maxNewTokens {3})", promptTokens.length, budget, contextLength, maxNewTokens);
        boolean keepBos = tokenizer.bosId() >= 0 && promptTokens.length > 0 && promptTokens[0] == tokenizer.bosId();
        int[] out = new int[budget];
        if (keepBos) {
            out[0] = promptTokens[0];
            System.arraycopy(promptTokens, promptTokens.length - (budget - 1), out, 1, budget - 1);
        } else {
            System.arraycopy(promptTokens, promptTokens.length - budget, out, 0, budget);
        }
        return out;
    }

    private int[] withBos(int[] tokens) {
        if (tokenizer.bosId() < 0) {
            return tokens.length == 0 ? new int[] {Math.max(tokenizer.eosId(), 0)} : tokens;
        }
        int[] out = new int[tokens.length + 1];
        out[0] = tokenizer.bosId();
        System.arraycopy(tokens, 0, out, 1, tokens.length);
        return out;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    static int[] copy(int[] a) {
        return Arrays.copyOf(a, a.length);
    }
}
