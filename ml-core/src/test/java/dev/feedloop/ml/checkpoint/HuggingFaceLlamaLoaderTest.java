package dev.feedloop.ml.checkpoint;

import static dev.feedloop.ml.checkpoint.SafetensorsFileTest.assertBitsEqual;
import static dev.feedloop.ml.checkpoint.SafetensorsFileTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.feedloop.ml.TestData;
import dev.feedloop.ml.model.LlamaConfig;

class HuggingFaceLlamaLoaderTest {

    /** dim 8, 2 heads of 4, 1 key/value head, hidden 12, 2 layers, vocab 10. */
    private static final LlamaConfig TINY = new LlamaConfig(8, 12, 2, 2, 1, 10, 32, false, 500000.0, 1e-5);

    private static final String CONFIG = """
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 8,
             "intermediate_size": 12, "num_hidden_layers": 2, "num_attention_heads": 2,
             "num_key_value_heads": 1, "vocab_size": 10, "max_position_embeddings": 32,
             "rope_theta": 500000.0, "rms_norm_eps": 1e-05, "tie_word_embeddings": %s,
             "hidden_act": "silu", "rope_scaling": null, "torch_dtype": "float32"}
            """;

    /** Random weights under our names for {@code config}. */
    static LinkedHashMap<String, NDArray> randomWeights(LlamaConfig config, NDManager manager, long seed) {
        Random rng = new Random(seed);
        LinkedHashMap<String, NDArray> weights = new LinkedHashMap<>();
        WeightNames.required(config).forEach((name, shape) -> {
            float[] values = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) rng.nextGaussian();
            }
            weights.put(name, manager.create(values, shape));
        });
        return weights;
    }

    /** What HF's convert script would have written for our weights: HF names, q/k permuted. */
    static LinkedHashMap<String, NDArray> asHuggingFace(LlamaConfig config, Map<String, NDArray> ours) {
        LinkedHashMap<String, NDArray> hf = new LinkedHashMap<>();
        hf.put("model.embed_tokens.weight", ours.get("tok_embeddings"));
        for (int i = 0; i < config.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            hf.put(p + "input_layernorm.weight", ours.get(WeightNames.layer(i, "rms_att")));
            hf.put(p + "self_attn.q_proj.weight", RotaryPermutation.toHuggingFace(ours.get(WeightNames.layer(i, "wq")), config.numHeads()));
            hf.put(p + "self_attn.k_proj.weight", RotaryPermutation.toHuggingFace(ours.get(WeightNames.layer(i, "wk")), config.numKeyValueHeads()));
            hf.put(p + "self_attn.v_proj.weight", ours.get(WeightNames.layer(i, "wv")));
            hf.put(p + "self_attn.o_proj.weight", ours.get(WeightNames.layer(i, "wo")));
            hf.put(p + "post_attention_layernorm.weight", ours.get(WeightNames.layer(i, "rms_ffn")));
            hf.put(p + "mlp.gate_proj.weight", ours.get(WeightNames.layer(i, "w1")));
            hf.put(p + "mlp.down_proj.weight", ours.get(WeightNames.layer(i, "w2")));
            hf.put(p + "mlp.up_proj.weight", ours.get(WeightNames.layer(i, "w3")));
        }
        hf.put("model.norm.weight", ours.get("rms_final"));
        if (ours.containsKey("output")) {
            hf.put("lm_head.weight", ours.get("output"));
        }
        return hf;
    }

    private static Path writeHf(Path dir, LinkedHashMap<String, NDArray> hf, boolean tied) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), CONFIG.formatted(tied));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), hf, Map.of("format", "pt"));
        return dir;
    }

    @Test
    void readsTheConfig(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"), CONFIG.formatted(false));
        assertEquals(TINY, LlamaConfigJson.read(config));
        // defaults: num_key_value_heads = heads, rope_theta 10000
        Path minimal = Files.writeString(dir.resolve("minimal.json"), """
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 8, "intermediate_size": 12,
                 "num_hidden_layers": 1, "num_attention_heads": 2, "vocab_size": 10}""");
        LlamaConfig read = LlamaConfigJson.read(minimal);
        assertEquals(2, read.numKeyValueHeads());
        assertEquals(10000.0, read.ropeTheta());
        assertFalse(read.sharedOutputHead());
    }

    @Test
    void loadsHuggingFaceNamesIntoOursAndUndoesTheRotaryPermutation(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LinkedHashMap<String, NDArray> ours = randomWeights(TINY, manager, 1);
            Path model = writeHf(dir.resolve("hf"), asHuggingFace(TINY, ours), false);

            HuggingFaceLlamaLoader.Loaded loaded = HuggingFaceLlamaLoader.load(model, manager);
            assertEquals(TINY, loaded.config());
            assertEquals(List.copyOf(WeightNames.required(TINY).keySet()), List.copyOf(loaded.weights().keySet()));
            assertEquals(new Shape(4, 8), loaded.weights().get("layers.1.wk").getShape()); // KV·D = 1·4
            assertEquals(new Shape(12, 8), loaded.weights().get("layers.0.w1").getShape());
            assertEquals(new Shape(10, 8), loaded.weights().get("output").getShape());
            for (Map.Entry<String, NDArray> e : ours.entrySet()) {
                assertBitsEqual(e.getValue().toFloatArray(), loaded.weights().get(e.getKey()));
            }
            // the raw q_proj really was permuted on disk: loading must not be the identity there
            try (SafetensorsFile file = SafetensorsFile.open(model.resolve("model.safetensors"))) {
                assertFalse(java.util.Arrays.equals(ours.get("layers.0.wq").toFloatArray(),
                        file.tensor("model.layers.0.self_attn.q_proj.weight", manager).toFloatArray()));
            }
            // writable: a training step may update in place
            loaded.weights().get("layers.0.wq").addi(manager.ones(new Shape(8, 8)));
        }
    }

    @Test
    void aTiedConfigHasNoOutputWeight(@TempDir Path dir) throws IOException {
        LlamaConfig tied = new LlamaConfig(8, 12, 2, 2, 1, 10, 32, true, 500000.0, 1e-5);
        try (NDManager manager = NDManager.newBaseManager()) {
            LinkedHashMap<String, NDArray> ours = randomWeights(tied, manager, 2);
            HuggingFaceLlamaLoader.Loaded loaded = HuggingFaceLlamaLoader.load(
                    writeHf(dir.resolve("tied"), asHuggingFace(tied, ours), true), manager);
            assertNull(loaded.weights().get("output"));
            assertEquals(tied, loaded.config());
        }
    }

    @Test
    void refusesANonLlamaConfigNamingTheField() {
        Path gpt2 = TestData.path("models/fake_gpt2_random");
        try (NDManager manager = NDManager.newBaseManager()) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> HuggingFaceLlamaLoader.load(gpt2, manager));
            assertMentions(e, "config.json", "model_type", "gpt2", "GPT2LMHeadModel");
        }
    }

    @Test
    void refusesUnsupportedFeaturesNamingTheField(@TempDir Path dir) throws IOException {
        Path scaled = Files.writeString(dir.resolve("config.json"),
                CONFIG.formatted(false).replace("\"rope_scaling\": null", "\"rope_scaling\": {\"type\": \"llama3\"}"));
        assertMentions(assertThrows(CheckpointException.class, () -> LlamaConfigJson.read(scaled)), "rope_scaling");
        Path missing = Files.writeString(dir.resolve("config.json"), CONFIG.formatted(false).replace("\"vocab_size\": 10,", ""));
        assertMentions(assertThrows(CheckpointException.class, () -> LlamaConfigJson.read(missing)), "vocab_size", "missing");
        Path odd = Files.writeString(dir.resolve("config.json"), CONFIG.formatted(false).replace("\"num_key_value_heads\": 1", "\"num_key_value_heads\": 3"));
        assertMentions(assertThrows(CheckpointException.class, () -> LlamaConfigJson.read(odd)), "config.json", "3 key/value heads");
    }

    @Test
    void refusesMissingAndUnknownTensorsNamingThem(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LinkedHashMap<String, NDArray> hf = asHuggingFace(TINY, randomWeights(TINY, manager, 3));
            hf.remove("model.layers.1.mlp.up_proj.weight");
            Path model = writeHf(dir.resolve("missing"), hf, false);
            CheckpointException e = assertThrows(CheckpointException.class, () -> HuggingFaceLlamaLoader.load(model, manager));
            assertMentions(e, "model.safetensors", "layers.1.w3", "missing");

            LinkedHashMap<String, NDArray> extra = asHuggingFace(TINY, randomWeights(TINY, manager, 4));
            extra.put("model.layers.0.self_attn.q_proj.bias", manager.zeros(new Shape(8)));
            Path withBias = writeHf(dir.resolve("bias"), extra, false);
            e = assertThrows(CheckpointException.class, () -> HuggingFaceLlamaLoader.load(withBias, manager));
            assertMentions(e, "model.safetensors", "model.layers.0.self_attn.q_proj.bias");
        }
    }
}
