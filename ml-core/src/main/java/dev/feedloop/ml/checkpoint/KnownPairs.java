package dev.feedloop.ml.checkpoint;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Model files whose tokenizer is known, pinned by sha256. A llama2.c model file does not name its
 * tokenizer, and a different tokenizer with the same vocabulary size loads without complaint and
 * produces fluent-looking garbage; this catches that for the files we ship.
 */
public final class KnownPairs {

    /** A known model file and the tokenizer it was trained with. */
    private record Pair(String modelName, String tokenizerName, String tokenizerSha256) {
    }

    /** model sha256 → its tokenizer. */
    private static final Map<String, Pair> BY_MODEL = Map.of(
            // karpathy/tinyllamas stories260K, trained with the 512-token TinyStories tokenizer
            "b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696",
            new Pair("stories260K.bin", "tok512.bin",
                    "037cb335abb25d1fa9e8ecae30ed2a3a8ace9302862ebcdc05d51a6bbb10c312"));

    private KnownPairs() {
    }

    /** The sha256 of the tokenizer that belongs to the model with {@code modelSha256}, when known. */
    public static Optional<String> expectedTokenizerSha256(String modelSha256) {
        return Optional.ofNullable(BY_MODEL.get(modelSha256)).map(Pair::tokenizerSha256);
    }

    /**
     * Refuses a known model paired with a tokenizer other than its own; unknown models pass.
     *
     * @throws CheckpointException naming both files, the tokenizer's hash and the expected one
     */
    public static void check(String modelSha256, String tokenizerSha256, Path modelPath, Path tokenizerPath) {
        Pair pair = BY_MODEL.get(modelSha256);
        if (pair != null && !pair.tokenizerSha256().equals(tokenizerSha256)) {
            throw new CheckpointException("tokenizer " + tokenizerPath + " (sha256 " + tokenizerSha256
                    + ") does not belong to model " + modelPath + " (sha256 " + modelSha256 + ", known as "
                    + pair.modelName() + "): it needs " + pair.tokenizerName() + " with sha256 " + pair.tokenizerSha256());
        }
    }
}
