package dev.feedloop.ml.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.feedloop.ml.TestData;

class HuggingFaceTokenizerTest {

    private static HuggingFaceTokenizer gpt2;

    @BeforeAll
    static void load() {
        gpt2 = HuggingFaceTokenizer.load(TestData.path("models/fake_gpt2_random/tokenizer.json"));
    }

    @AfterAll
    static void close() {
        gpt2.close();
    }

    @Test
    void readsVocabularySizeAndSpecialTokensOfGpt2() {
        assertEquals(50257, gpt2.vocabSize());
        assertEquals(50256, gpt2.bosId());
        assertEquals(50256, gpt2.eosId());
        assertEquals(64, gpt2.sha256().length());
    }

    @Test
    void encodesWithoutSpecialTokensAndKnownGpt2Ids() {
        // GPT-2: "Hello" 15496, " world" 995
        assertArrayEquals(new int[] {15496, 995}, gpt2.encode("Hello world"));
        assertArrayEquals(new int[0], gpt2.encode(""));
        assertEquals("Hello world", gpt2.decode(new int[] {50256, 15496, 995, 50256}));
    }

    @Test
    void roundTripsRealTranscriptsIncludingLongOnes() {
        List<String> texts = TestData.hhTranscripts(300);
        StringBuilder longText = new StringBuilder();
        for (String text : texts) {
            int[] ids = gpt2.encode(text);
            assertEquals(text, gpt2.decode(ids));
            longText.append(text);
        }
        // far beyond GPT-2's 1024 positions: nothing may be truncated
        int[] ids = gpt2.encode(longText.toString());
        assertTrue(ids.length > 20_000, "ids " + ids.length);
        assertEquals(longText.toString(), gpt2.decode(ids));
        assertEquals("héllo 世界 🙂", gpt2.decode(gpt2.encode("héllo 世界 🙂")));
    }

    @Test
    void withoutSiblingConfigFilesFindsNoBosEos(@TempDir Path dir) throws IOException {
        Path copy = Files.copy(TestData.path("models/fake_gpt2_random/tokenizer.json"), dir.resolve("tokenizer.json"));
        try (HuggingFaceTokenizer bare = HuggingFaceTokenizer.load(copy)) {
            assertEquals(-1, bare.bosId());
            assertEquals(gpt2.sha256(), bare.sha256());
        }
        // a checkpoint's config.json carries the ids
        Files.writeString(dir.resolve("config.json"), "{\"bos_token_id\": 50256, \"eos_token_id\": 50256}");
        try (HuggingFaceTokenizer withConfig = HuggingFaceTokenizer.load(copy)) {
            assertEquals(50256, withConfig.bosId());
            assertEquals(50256, withConfig.eosId());
        }
    }

    @Test
    void rejectsAFileThatIsNotATokenizerJson(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("tokenizer.json"), "{\"hello\": 1}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTokenizer.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
