package dev.feedloop.ml.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.feedloop.ml.TestData;

class TokenizersTest {

    @Test
    void picksTheImplementationByFileName() {
        Tokenizer llama = Tokenizers.load(TestData.path("models/stories260K/tok512.bin"));
        assertInstanceOf(Llama2cTokenizer.class, llama);
        assertEquals(512, llama.vocabSize());
        Tokenizer hf = Tokenizers.load(TestData.path("models/fake_gpt2_random/tokenizer.json"));
        assertInstanceOf(HuggingFaceTokenizer.class, hf);
        assertEquals(50257, hf.vocabSize());
        ((HuggingFaceTokenizer) hf).close();
    }

    @Test
    void rejectsAnUnknownFileNamingIt(@TempDir Path dir) throws IOException {
        Path vocab = TestData.path("models/fake_gpt2_random/vocab.json");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(vocab));
        assertTrue(e.getMessage().contains(vocab.toString()), e.getMessage());
        Path missing = dir.resolve("tok512.bin");
        e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
