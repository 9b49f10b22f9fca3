package dev.feedloop.ml.checkpoint;

import static dev.feedloop.ml.checkpoint.SafetensorsFileTest.assertBitsEqual;
import static dev.feedloop.ml.checkpoint.SafetensorsFileTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.feedloop.ml.TestData;
import dev.feedloop.ml.model.LlamaConfig;
import dev.feedloop.ml.tokenizer.HuggingFaceTokenizer;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;

class CheckpointStoreTest {

    /** A tiny model over tok512's 512 tokens, untied so "output" is written too. */
    private static final LlamaConfig CONFIG = new LlamaConfig(8, 12, 2, 2, 1, 512, 64, false, 10000.0, 1e-5);
    private static final Path TOK512 = TestData.path("models/stories260K/tok512.bin");
    private static final String TOK512_SHA = "037cb335abb25d1fa9e8ecae30ed2a3a8ace9302862ebcdc05d51a6bbb10c312";

    private static LinkedHashMap<String, NDArray> weightsWithValueHead(NDManager manager) {
        LinkedHashMap<String, NDArray> weights = HuggingFaceLlamaLoaderTest.randomWeights(CONFIG, manager, 5);
        weights.put(WeightNames.VALUE_HEAD_WEIGHT, manager.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(1, 8)));
        weights.put(WeightNames.VALUE_HEAD_BIAS, manager.create(new float[] {-0.5f}, new Shape(1)));
        return weights;
    }

    private static Path writeCheckpoint(Path root, NDManager manager) {
        Path dir = root.resolve("policy-v3");
        CheckpointStore.write(dir, CONFIG, weightsWithValueHead(manager), TOK512, Map.of("policy_version", "3"));
        return dir;
    }

    private static void flipByte(Path file, int position) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int at = position >= 0 ? position : bytes.length + position;
        bytes[at] ^= 0x01;
        Files.write(file, bytes);
    }

    @Test
    void writesTheFilesAndLoadsThemBack(@TempDir Path root) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LinkedHashMap<String, NDArray> weights = weightsWithValueHead(manager);
            Path dir = root.resolve("policy-v3");
            CheckpointManifest written = CheckpointStore.write(dir, CONFIG, weights, TOK512, Map.of("policy_version", "3"));

            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of("config.json", "manifest.json", "model.safetensors", "tok512.bin"),
                        files.map(p -> p.getFileName().toString()).sorted().toList());
            }
            try (Stream<Path> siblings = Files.list(root)) {
                assertEquals(List.of(dir), siblings.toList(), "no temporary directory may be left behind");
            }
            JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
            assertEquals(1, manifest.get("format").asInt());
            assertEquals("model.safetensors", manifest.get("weights_file").asText());
            assertEquals(Sha256.of(dir.resolve("model.safetensors")), manifest.get("weights_sha256").asText());
            assertEquals("tok512.bin", manifest.get("tokenizer_file").asText());
            assertEquals(TOK512_SHA, manifest.get("tokenizer_sha256").asText());
            assertEquals(Sha256.of(dir.resolve("config.json")), manifest.get("config_sha256").asText());
            assertEquals("3", manifest.get("metadata").get("policy_version").asText());

            JsonNode config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
            assertEquals(1, config.get("feedloop_format").asInt());
            assertEquals("value_head", config.get("feedloop_heads").get(0).asText());
            assertEquals(1, config.get("feedloop_heads").size());
            assertEquals(8, config.get("hidden_size").asInt());
            assertEquals(1, config.get("num_key_value_heads").asInt());
            assertEquals(1, config.get("bos_token_id").asInt());

            assertEquals(written, CheckpointStore.verify(dir));
            LoadedCheckpoint loaded = CheckpointStore.load(dir, manager);
            assertEquals(CONFIG, loaded.config());
            assertEquals(written, loaded.manifest());
            assertInstanceOf(Llama2cTokenizer.class, loaded.tokenizer());
            assertEquals(TOK512_SHA, loaded.tokenizer().sha256());
            assertEquals(weights.keySet(), loaded.weights().keySet());
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                assertBitsEqual(e.getValue().toFloatArray(), loaded.weights().get(e.getKey()));
            }
            loaded.weights().get("tok_embeddings").addi(manager.ones(new Shape(512, 8))); // trainable in place
            assertEquals(written, CheckpointStore.verify(dir), "training the copy must not touch the file");
        }
    }

    @Test
    void refusesToOverwriteAnExistingCheckpoint(@TempDir Path root) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path dir = writeCheckpoint(root, manager);
            CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointStore.write(
                    dir, CONFIG, weightsWithValueHead(manager), TOK512, Map.of()));
            assertMentions(e, dir.toString(), "already exists");
        }
    }

    @Test
    void refusesWeightsWhoseHashDiffersNamingFileAndBothHashes(@TempDir Path root) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path dir = writeCheckpoint(root, manager);
            String expected = CheckpointStore.verify(dir).weightsSha256();
            flipByte(dir.resolve("model.safetensors"), -3); // inside the last tensor's data
            String actual = Sha256.of(dir.resolve("model.safetensors"));
            CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointStore.load(dir, manager));
            assertMentions(e, dir.resolve("model.safetensors").toString(), expected, actual, "weights_sha256");
            e = assertThrows(CheckpointException.class, () -> CheckpointStore.verify(dir));
            assertMentions(e, "model.safetensors", expected, actual);
        }
    }

    @Test
    void refusesATokenizerThatDoesNotBelongToTheModel(@TempDir Path root) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path dir = writeCheckpoint(root, manager);
            flipByte(dir.resolve("tok512.bin"), 20); // a changed score: same size, same vocabulary length
            String actual = Sha256.of(dir.resolve("tok512.bin"));
            CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointStore.load(dir, manager));
            assertMentions(e, dir.resolve("tok512.bin").toString(), dir.resolve("model.safetensors").toString(),
                    actual, TOK512_SHA, "does not belong");
            assertMentions(assertThrows(CheckpointException.class, () -> CheckpointStore.verify(dir)),
                    "tok512.bin", actual, TOK512_SHA);
        }
    }

    @Test
    void refusesAChangedConfigAndAMissingManifest(@TempDir Path root) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path dir = writeCheckpoint(root, manager);
            Path config = dir.resolve("config.json");
            Files.writeString(config, Files.readString(config).replace("\"rope_theta\" : 10000.0", "\"rope_theta\" : 500000.0"));
            assertMentions(assertThrows(CheckpointException.class, () -> CheckpointStore.load(dir, manager)),
                    config.toString(), "config_sha256");
            Files.delete(dir.resolve("manifest.json"));
            assertMentions(assertThrows(CheckpointException.class, () -> CheckpointStore.verify(dir)),
                    dir.toString(), "manifest.json");
        }
    }

    @Test
    void refusesWeightsThatDoNotFitTheConfigAndATooLargeTokenizer(@TempDir Path root) {
        try (NDManager manager = NDManager.newBaseManager()) {
            LinkedHashMap<String, NDArray> weights = weightsWithValueHead(manager);
            weights.remove("layers.1.wo");
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> CheckpointStore.write(root.resolve("a"), CONFIG, weights, TOK512, Map.of()));
            assertMentions(e, "layers.1.wo", "missing");

            Path gpt2 = TestData.path("models/fake_gpt2_random/tokenizer.json");
            e = assertThrows(CheckpointException.class, () -> CheckpointStore.write(
                    root.resolve("b"), CONFIG, weightsWithValueHead(manager), gpt2, Map.of()));
            assertMentions(e, gpt2.toString(), "50257", "512");
            assertTrue(Files.notExists(root.resolve("a")) && Files.notExists(root.resolve("b")));
        }
    }

    @Test
    void roundTripsAHuggingFaceTokenizerWithItsSpecialIds(@TempDir Path root) {
        LlamaConfig gpt2Sized = new LlamaConfig(4, 8, 1, 2, 2, 50257, 64, true, 10000.0, 1e-5);
        try (NDManager manager = NDManager.newBaseManager()) {
            Path dir = root.resolve("hf-tok");
            CheckpointStore.write(dir, gpt2Sized, HuggingFaceLlamaLoaderTest.randomWeights(gpt2Sized, manager, 6),
                    TestData.path("models/fake_gpt2_random/tokenizer.json"), Map.of());
            LoadedCheckpoint loaded = CheckpointStore.load(dir, manager);
            try (HuggingFaceTokenizer tokenizer = assertInstanceOf(HuggingFaceTokenizer.class, loaded.tokenizer())) {
                // the copy has no tokenizer_config.json beside it: the ids come from our config.json
                assertEquals(50256, tokenizer.bosId());
                assertEquals(50256, tokenizer.eosId());
                assertEquals("Hello world", tokenizer.decode(tokenizer.encode("Hello world")));
            }
            assertTrue(!loaded.weights().containsKey("output"));
        }
    }
}
