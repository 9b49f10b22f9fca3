package dev.feedloop.ml.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the right {@link Tokenizer} implementation for a tokenizer file, chosen by its name. */
public final class Tokenizers {

    private Tokenizers() {
    }

    /**
     * Loads {@code file}: {@code tok*.bin} → {@link Llama2cTokenizer}, {@code tokenizer.json} →
     * {@link HuggingFaceTokenizer}.
     *
     * @throws IllegalArgumentException naming the path when it is missing or of an unknown kind
     */
    public static Tokenizer load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("tokenizer file " + file + " does not exist or is not a file");
        }
        String name = file.getFileName().toString();
        if (name.startsWith("tok") && name.endsWith(".bin")) {
            return Llama2cTokenizer.load(file);
        }
        if (name.equals("tokenizer.json")) {
            return HuggingFaceTokenizer.load(file);
        }
        throw new IllegalArgumentException("unknown tokenizer file " + file
                + ": expected a llama2.c tok*.bin or a Hugging Face tokenizer.json");
    }
}
