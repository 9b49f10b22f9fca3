package dev.feedloop.ml.tokenizer;

/**
 * Text ↔ token ids for one model. Implementations: {@link Llama2cTokenizer} (llama2.c
 * {@code tok512.bin}) and {@link HuggingFaceTokenizer} ({@code tokenizer.json}).
 *
 * <p>{@link #encode} never adds BOS or EOS: the caller decides (the sampler prepends BOS).
 */
public interface Tokenizer {

    /** Token ids of {@code text}, without BOS/EOS. An empty text gives an empty array. */
    int[] encode(String text);

    /** Text of {@code ids}; BOS, EOS and padding are skipped, byte tokens are joined into UTF-8. */
    String decode(int[] ids);

    /**
     * Text of {@code ids} that continue an earlier text (a response after its prompt, the next chunk
     * of a stream): like {@link #decode} but nothing that only belongs at the start of a text is
     * removed, so for a non-empty {@code a}, {@code decode(a) + decodeContinuation(b)} equals {@code decode(a ++ b)} when the
     * split does not cut a character. The default suits tokenizers without a start-of-text rule;
     * {@link Llama2cTokenizer} overrides it because of the SentencePiece dummy prefix.
     */
    default String decodeContinuation(int[] ids) {
        return decode(ids);
    }

    /** Number of token ids, equal to the model's vocabulary size when they belong together. */
    int vocabSize();

    /** Id of the beginning-of-sequence token, or -1 when the tokenizer has none. */
    int bosId();

    /** Id of the end-of-sequence token, or -1 when the tokenizer has none. */
    int eosId();

    /**
     * sha256 (lower-case hex) of the tokenizer's file: what a checkpoint manifest pins, because two
     * tokenizers with the same vocabulary size can still differ.
     */
    String sha256();
}
