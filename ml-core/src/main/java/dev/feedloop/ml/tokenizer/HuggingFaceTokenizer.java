package dev.feedloop.ml.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Hugging Face {@code tokenizer.json} (e.g. GPT-2's byte-level BPE), run by DJL's Rust binding.
 *
 * <p>Always loaded from a file: DJL's {@code newInstance(String modelId)} downloads inside Rust even
 * in offline mode. Special tokens are never added by {@link #encode} (the {@link Tokenizer} contract),
 * there is no truncation and no padding.
 *
 * <p>BOS/EOS are resolved, first found wins, from the files beside {@code tokenizer.json}:
 * {@code tokenizer_config.json} ({@code bos_token}/{@code eos_token}, a string or an object with
 * {@code content}), {@code special_tokens_map.json} (same keys), then {@code config.json}
 * ({@code bos_token_id}/{@code eos_token_id}, which is also where a Feedloop checkpoint records them);
 * a token string is looked up in {@code added_tokens}, then in the model's vocabulary. None → -1.
 * GPT-2: {@code <|endoftext|>} = 50256 for both.
 *
 * <p>Holds a native handle: {@link #close} it when done (the DJL object also frees it on finalise).
 */
public final class HuggingFaceTokenizer implements Tokenizer, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate;
    private final int vocabSize;
    private final int bosId;
    private final int eosId;
    private final String sha256;

    private HuggingFaceTokenizer(Path file, ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate,
            int vocabSize, int bosId, int eosId, String sha256) {
        this.file = file;
        this.delegate = delegate;
        this.vocabSize = vocabSize;
        this.bosId = bosId;
        this.eosId = eosId;
        this.sha256 = sha256;
    }

    /**
     * Loads {@code tokenizer.json} (a file path; never a model id).
     *
     * @throws IllegalArgumentException when the file is not a tokenizer.json (names the file)
     * @throws UncheckedIOException when it cannot be read
     */
    public static HuggingFaceTokenizer load(Path tokenizerJson) {
        byte[] bytes;
        JsonNode root;
        try {
            bytes = Files.readAllBytes(tokenizerJson);
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + tokenizerJson, e);
        }
        if (root == null || !root.path("model").isObject()) {
            throw new IllegalArgumentException("tokenizer " + tokenizerJson + " has no \"model\" object: not a tokenizer.json");
        }
        int vocabSize = vocabSize(root);
        Path dir = tokenizerJson.toAbsolutePath().getParent();
        int bos = specialId(root, dir, "bos");
        int eos = specialId(root, dir, "eos");
        ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate;
        try {
            delegate = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(false) // the caller adds BOS/EOS (Tokenizer contract)
                    .optTruncation(false)       // a long transcript must round-trip whole
                    .optPadding(false)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load tokenizer " + tokenizerJson, e);
        }
        return new HuggingFaceTokenizer(tokenizerJson, delegate, vocabSize, bos, eos,
                Llama2cTokenizer.sha256Hex(bytes));
    }

    @Override
    public int[] encode(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        long[] ids = delegate.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] longIds = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new IllegalArgumentException(
                        "token id " + ids[i] + " is outside the vocabulary of " + vocabSize + " (" + file + ")");
            }
            longIds[i] = ids[i];
        }
        return delegate.decode(longIds, true);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public String sha256() {
        return sha256;
    }

    /** The tokenizer.json this was loaded from. */
    public Path file() {
        return file;
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** One more than the largest id in the model's vocabulary or the added tokens. */
    private static int vocabSize(JsonNode root) {
        int maxId = -1;
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {          // BPE, WordPiece, WordLevel: {"piece": id}
            for (Iterator<JsonNode> it = vocab.elements(); it.hasNext(); ) {
                maxId = Math.max(maxId, it.next().asInt());
            }
        } else if (vocab.isArray()) {    // Unigram: [["piece", score], …], the index is the id
            maxId = vocab.size() - 1;
        }
        for (JsonNode added : root.path("added_tokens")) {
            maxId = Math.max(maxId, added.path("id").asInt(-1));
        }
        return maxId + 1;
    }

    private static int specialId(JsonNode root, Path dir, String kind) {
        for (String name : new String[] {"tokenizer_config.json", "special_tokens_map.json"}) {
            JsonNode config = readIfPresent(dir.resolve(name));
            JsonNode token = config.path(kind + "_token");
            String content = token.isTextual() ? token.asText() : token.path("content").asText(null);
            if (content != null) {
                int id = idOf(root, content);
                if (id >= 0) {
                    return id;
                }
            }
        }
        JsonNode id = readIfPresent(dir.resolve("config.json")).path(kind + "_token_id");
        return id.isInt() ? id.asInt() : -1;
    }

    private static int idOf(JsonNode root, String content) {
        for (JsonNode added : root.path("added_tokens")) {
            if (content.equals(added.path("content").asText(null))) {
                return added.path("id").asInt(-1);
            }
        }
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject() && vocab.has(content)) {
            return vocab.get(content).asInt();
        }
        if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) {
                if (content.equals(vocab.get(i).path(0).asText(null))) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static JsonNode readIfPresent(Path file) {
        if (!Files.isRegularFile(file)) {
            return JSON.missingNode();
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            return node == null ? JSON.missingNode() : node;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public String toString() {
        return "HuggingFaceTokenizer[" + file + ", " + vocabSize + " tokens]";
    }
}
