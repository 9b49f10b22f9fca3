package dev.feedloop.ml.preference;

import dev.feedloop.ml.tokenizer.Tokenizer;

/**
 * Test-only tokenizer: one token per lower-cased code point (id = code point + 3), BOS 1, EOS 2.
 * Lower-casing makes "Yes" and "yes" the same tokens, a stand-in for any lossy tokenizer.
 */
final class CharTokenizer implements Tokenizer {

    @Override
    public int[] encode(String text) {
        return text.toLowerCase().codePoints().map(c -> c + 3).toArray();
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) if (id >= 3) sb.appendCodePoint(id - 3);
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return Character.MAX_CODE_POINT + 4;
    }

    @Override
    public int bosId() {
        return 1;
    }

    @Override
    public int eosId() {
        return 2;
    }

    @Override
    public String sha256() {
        return "test-only";
    }
}
