package dev.feedloop.ml.checkpoint;

import static dev.feedloop.ml.checkpoint.SafetensorsFileTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.feedloop.ml.TestData;

class KnownPairsTest {

    private static final Path MODEL = TestData.path("models/stories260K/stories260K.bin");
    private static final Path TOK512 = TestData.path("models/stories260K/tok512.bin");
    private static final Path GPT2 = TestData.path("models/fake_gpt2_random/tokenizer.json");

    @Test
    void theShippedFilesHaveThePinnedHashes() {
        String modelSha = Sha256.of(MODEL);
        assertEquals("b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696", modelSha);
        assertEquals(Optional.of(Sha256.of(TOK512)), KnownPairs.expectedTokenizerSha256(modelSha));
        assertDoesNotThrow(() -> KnownPairs.check(modelSha, Sha256.of(TOK512), MODEL, TOK512));
    }

    @Test
    void refusesStories260KWithTheGpt2TokenizerNamingBoth() {
        String gpt2Sha = Sha256.of(GPT2);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> KnownPairs.check(Sha256.of(MODEL), gpt2Sha, MODEL, GPT2));
        assertMentions(e, MODEL.toString(), GPT2.toString(), gpt2Sha,
                "037cb335abb25d1fa9e8ecae30ed2a3a8ace9302862ebcdc05d51a6bbb10c312", "tok512.bin");
    }

    @Test
    void anUnknownModelPassesWithAnyTokenizer() {
        assertEquals(Optional.empty(), KnownPairs.expectedTokenizerSha256("0".repeat(64)));
        assertDoesNotThrow(() -> KnownPairs.check("0".repeat(64), Sha256.of(GPT2), MODEL, GPT2));
    }
}
