package dev.feedloop.ml.preference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PairEncoderTest {

    private final CharTokenizer tok = new CharTokenizer();

    private String text(int[] ids) {
        return tok.decode(ids);
    }

    @Test
    void fitsWithoutTruncation() {
        ComparisonStats stats = new ComparisonStats();
        PairEncoder.EncodedPair e = new PairEncoder(tok, 32, true, true)
                .encode(Comparison.of("g", "prompt", "yes", "no"), stats);
        assertEquals(1, e.chosen()[0]);
        assertEquals(2, e.chosen()[e.chosen().length - 1]);
        assertEquals("promptyes", text(e.chosen()));
        assertEquals("promptno", text(e.rejected()));
        assertEquals(7, e.promptTokens(), "BOS + 6");
        assertEquals(0, stats.get(ComparisonStats.PROMPT_TRUNCATED));
    }

    @Test
    void leftTruncationCutsThePromptAndKeepsBothResponsesWhole() {
        // budget 12 − BOS − EOS = 10; longer response 5 → the prompt keeps its last 5 characters
        ComparisonStats stats = new ComparisonStats();
        PairEncoder.EncodedPair e = new PairEncoder(tok, 12, true, true)
                .encode(Comparison.of("g", "0123456789abcdef", "hello", "no"), stats);
        assertEquals("bcdefhello", text(e.chosen()));
        assertEquals("bcdefno", text(e.rejected()));
        assertEquals(12, e.chosen().length);
        assertEquals(1, stats.get(ComparisonStats.PROMPT_TRUNCATED));
        assertEquals(0, stats.get(ComparisonStats.RESPONSE_TRUNCATED));
    }

    @Test
    void aResponseLongerThanTheBudgetLosesItsEndAndThePromptKeepsAQuarter() {
        // no special tokens: budget 16; response 20 > 16 → prompt keeps 16/4 = 4, responses 12
        ComparisonStats stats = new ComparisonStats();
        PairEncoder.EncodedPair e = new PairEncoder(tok, 16, false, false)
                .encode(Comparison.of("g", "the prompt", "abcdefghijklmnopqrst", "short"), stats);
        assertEquals("omptabcdefghijkl", text(e.chosen()));
        assertEquals("omptshort", text(e.rejected()));
        assertEquals(1, stats.get(ComparisonStats.RESPONSE_TRUNCATED));
    }

    @Test
    void pairsIdenticalAfterTruncationAreDroppedAndCounted() {
        ComparisonStats stats = new ComparisonStats();
        // the two replies differ only past the cut
        assertNull(new PairEncoder(tok, 8, false, false)
                .encode(Comparison.of("g", "p", "abcdefghij-one", "abcdefghij-two"), stats));
        assertEquals(1, stats.get(ComparisonStats.IDENTICAL_AFTER_TRUNCATION));
        assertEquals(0, stats.get(ComparisonStats.ENCODED_PAIRS));
    }

    @Test
    void pairsIdenticalAfterTokenisationAreDroppedAndCounted() {
        ComparisonStats stats = new ComparisonStats();
        var out = new PairEncoder(tok, 64, true, true).encode(java.util.List.of(
                Comparison.of("g", "p", "Yes", "yes"), Comparison.of("g", "p", "yes", "no")), stats);
        assertEquals(1, out.size());
        assertArrayEquals(tok.encode("pno"), java.util.Arrays.copyOfRange(out.get(0).rejected(), 1, 4));
        assertEquals(1, stats.get(ComparisonStats.IDENTICAL_AFTER_TRUNCATION));
        assertEquals(1, stats.get(ComparisonStats.ENCODED_PAIRS));
    }
}
