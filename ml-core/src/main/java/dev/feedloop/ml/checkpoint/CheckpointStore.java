package dev.feedloop.ml.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.feedloop.ml.model.LlamaConfig;
import dev.feedloop.ml.tokenizer.HuggingFaceTokenizer;
import dev.feedloop.ml.tokenizer.Tokenizer;
import dev.feedloop.ml.tokenizer.Tokenizers;

/**
 * Feedloop's checkpoint format: one immutable directory per model version.
 *
 * <pre>
 * dir/
 *   model.safetensors   float32 weights under {@link WeightNames} (our names, interleaved rotary)
 *   config.json         Hugging Face Llama keys + feedloop_format: 1 + feedloop_heads: [optional heads]
 *   tok512.bin | tokenizer.json   a copy of the tokenizer, original file name
 *   manifest.json       {@link CheckpointManifest}: sha256 of each of the files above
 * </pre>
 *
 * Not a Hugging Face checkpoint despite the config keys: names and the q/k row order are ours.
 *
 * <p>{@link #write} assembles the directory under a temporary name beside it and renames it into
 * place in one step, so a reader sees either no checkpoint or a whole one. {@link #verify} checks
 * every hash against the manifest without loading (what the generator runs before a hot swap);
 * {@link #load} verifies, then loads, and refuses weights that changed and a tokenizer that is not
 * the one the manifest pins.
 */
public final class CheckpointStore {

    /** The format version written to config.json and manifest.json. */
    public static final int FORMAT = 1;
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String CONFIG_FILE = "config.json";
    public static final String MANIFEST_FILE = "manifest.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CheckpointStore() {
    }

    /**
     * Writes a checkpoint to {@code dir}, which must not exist yet.
     *
     * @param weights       {@link WeightNames} → float32 arrays, exactly the weights of {@code config}
     *                      plus optional whole heads
     * @param tokenizerFile a {@code tok*.bin} or {@code tokenizer.json}; copied under its own name
     * @param metadata      free-form strings recorded in the manifest and the safetensors header
     * @return the manifest written
     * @throws CheckpointException when {@code dir} exists, the weights do not fit the config, the
     *                             tokenizer has more tokens than the model, or writing fails
     */
    public static CheckpointManifest write(Path dir, LlamaConfig config, LinkedHashMap<String, NDArray> weights,
            Path tokenizerFile, Map<String, String> metadata) {
        Path target = dir.toAbsolutePath().normalize();
        WeightNames.validate(target.resolve(WEIGHTS_FILE), config, weights);
        Tokenizer tokenizer = Tokenizers.load(tokenizerFile);
        try {
            if (tokenizer.vocabSize() > config.vocabSize()) {
                throw new CheckpointException("tokenizer " + tokenizerFile + " has " + tokenizer.vocabSize()
                        + " tokens but the model's vocabulary is " + config.vocabSize() + ": they do not belong together");
            }
            if (Files.exists(target)) {
                throw CheckpointException.inFile(target, "already exists; a checkpoint directory is written once");
            }
            Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
            try {
                CheckpointManifest manifest = writeFiles(temp, config, weights, tokenizerFile, tokenizer, metadata);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                return manifest;
            } catch (IOException | RuntimeException e) {
                CheckpointException failure;
                if (e instanceof CheckpointException c) {
                    failure = c;
                } else if (e instanceof FileAlreadyExistsException || e instanceof DirectoryNotEmptyException) {
                    failure = new CheckpointException(target + ": already exists (written concurrently?)", e);
                } else {
                    failure = new CheckpointException(target + ": cannot write checkpoint: " + e, e);
                }
                deleteTree(temp, failure);
                throw failure;
            }
        } finally {
            release(tokenizer);
        }
    }

    private static CheckpointManifest writeFiles(Path temp, LlamaConfig config, LinkedHashMap<String, NDArray> weights,
            Path tokenizerFile, Tokenizer tokenizer, Map<String, String> metadata) throws IOException {
        Files.createDirectories(temp);
        SafetensorsWriter.write(temp.resolve(WEIGHTS_FILE), weights, metadata);

        ObjectNode configJson = LlamaConfigJson.toJson(config, tokenizer.bosId(), tokenizer.eosId());
        configJson.put("feedloop_format", FORMAT);
        ArrayNode heads = configJson.putArray("feedloop_heads");
        WeightNames.headsPresent(weights).forEach(heads::add);
        byte[] configBytes = JSON.writeValueAsBytes(configJson);
        Files.write(temp.resolve(CONFIG_FILE), configBytes);

        String tokenizerName = tokenizerFile.getFileName().toString();
        Files.copy(tokenizerFile, temp.resolve(tokenizerName));
        String tokenizerSha = Sha256.of(temp.resolve(tokenizerName));
        if (!tokenizerSha.equals(tokenizer.sha256())) {
            throw new CheckpointException("tokenizer " + tokenizerFile + " changed while being copied (sha256 "
                    + tokenizer.sha256() + " when read, " + tokenizerSha + " when copied)");
        }
        CheckpointManifest manifest = new CheckpointManifest(FORMAT, WEIGHTS_FILE, Sha256.of(temp.resolve(WEIGHTS_FILE)),
                tokenizerName, tokenizerSha, Sha256.of(configBytes), metadata);
        Files.write(temp.resolve(MANIFEST_FILE), manifest.toJson());
        return manifest;
    }

    /**
     * Checks every file of {@code dir} against its manifest without loading anything.
     *
     * @return the manifest
     * @throws CheckpointException naming the file, the expected and the actual sha256 of the first
     *                             file that differs (for the tokenizer also the model it should belong to)
     */
    public static CheckpointManifest verify(Path dir) {
        Path manifestFile = dir.resolve(MANIFEST_FILE);
        if (!Files.isRegularFile(manifestFile)) {
            throw CheckpointException.inFile(dir, "is not a Feedloop checkpoint: no " + MANIFEST_FILE);
        }
        CheckpointManifest manifest = CheckpointManifest.read(manifestFile);
        if (manifest.format() != FORMAT) {
            throw CheckpointException.inFile(manifestFile, "format " + manifest.format() + " is not " + FORMAT);
        }
        Path weights = dir.resolve(manifest.weightsFile());
        checkHash(weights, "weights_sha256", manifest.weightsSha256(), Sha256.of(existing(weights)));
        Path config = dir.resolve(CONFIG_FILE);
        checkHash(config, "config_sha256", manifest.configSha256(), Sha256.of(existing(config)));
        Path tokenizer = dir.resolve(manifest.tokenizerFile());
        checkTokenizer(tokenizer, Sha256.of(existing(tokenizer)), weights, manifest);
        return manifest;
    }

    /**
     * Verifies and loads {@code dir}; the weights are writable copies attached to {@code manager}.
     *
     * @throws CheckpointException as {@link #verify}, and naming the file and field or tensor when
     *                             the config or the weights are inconsistent
     */
    public static LoadedCheckpoint load(Path dir, NDManager manager) {
        CheckpointManifest manifest = verify(dir);
        Path configFile = dir.resolve(CONFIG_FILE);
        JsonNode configJson;
        try {
            configJson = JSON.readTree(configFile.toFile());
        } catch (IOException e) {
            throw new CheckpointException(configFile + ": cannot read: " + e.getMessage(), e);
        }
        if (configJson.path("feedloop_format").asInt(-1) != FORMAT) {
            throw CheckpointException.inFile(configFile, "field 'feedloop_format' = " + configJson.path("feedloop_format")
                    + ", expected " + FORMAT + " (a Hugging Face directory loads with HuggingFaceLlamaLoader)");
        }
        LlamaConfig config = LlamaConfigJson.parse(configFile, configJson);

        Path weightsFile = dir.resolve(manifest.weightsFile());
        // The tokenizer's own hash of the bytes it parsed: no window between check and use.
        Tokenizer tokenizer = Tokenizers.load(dir.resolve(manifest.tokenizerFile()));
        LinkedHashMap<String, NDArray> weights = new LinkedHashMap<>();
        try {
            checkTokenizer(dir.resolve(manifest.tokenizerFile()), tokenizer.sha256(), weightsFile, manifest);
            if (tokenizer.vocabSize() > config.vocabSize()) {
                throw new CheckpointException("tokenizer " + dir.resolve(manifest.tokenizerFile()) + " has "
                        + tokenizer.vocabSize() + " tokens but " + configFile + " says vocab_size " + config.vocabSize());
            }
            try (SafetensorsFile file = SafetensorsFile.open(weightsFile)) {
                for (String name : file.names()) {
                    weights.put(name, file.tensorCopy(name, manager));
                }
            }
            WeightNames.validate(weightsFile, config, weights);
            List<String> declared = new ArrayList<>();
            for (JsonNode head : configJson.path("feedloop_heads")) {
                declared.add(head.asText());
            }
            if (!declared.equals(WeightNames.headsPresent(weights))) {
                throw CheckpointException.inFile(configFile, "field 'feedloop_heads' = " + declared
                        + " but " + weightsFile.getFileName() + " holds " + WeightNames.headsPresent(weights));
            }
            return new LoadedCheckpoint(config, weights, tokenizer, manifest);
        } catch (RuntimeException e) {
            weights.values().forEach(NDArray::close); // a refused checkpoint leaves nothing on the caller's manager
            release(tokenizer);
            throw e;
        }
    }

    private static void checkHash(Path file, String field, String expected, String actual) {
        if (!expected.equals(actual)) {
            throw CheckpointException.inFile(file, "sha256 " + actual + " differs from the manifest's " + field
                    + " " + expected + ": the file was modified or corrupted");
        }
    }

    private static void checkTokenizer(Path tokenizer, String actual, Path weights, CheckpointManifest manifest) {
        if (!manifest.tokenizerSha256().equals(actual)) {
            throw new CheckpointException("tokenizer " + tokenizer + " (sha256 " + actual
                    + ") does not belong to model " + weights + ": the manifest pins tokenizer_sha256 "
                    + manifest.tokenizerSha256());
        }
    }

    private static Path existing(Path file) {
        if (!Files.isRegularFile(file)) {
            throw CheckpointException.inFile(file, "is missing from the checkpoint");
        }
        return file;
    }

    private static void deleteTree(Path dir, CheckpointException failure) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Frees a Hugging Face tokenizer's native handle; a llama2.c tokenizer holds none. */
    private static void release(Tokenizer tokenizer) {
        if (tokenizer instanceof HuggingFaceTokenizer hf) {
            hf.close();
        }
    }
}
