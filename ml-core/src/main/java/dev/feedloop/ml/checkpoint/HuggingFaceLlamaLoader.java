package dev.feedloop.ml.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.feedloop.ml.model.LlamaConfig;

/**
 * Loads a Hugging Face Llama checkpoint directory ({@code config.json} + {@code model.safetensors},
 * or shards listed in {@code model.safetensors.index.json}) into Feedloop's {@link WeightNames}.
 *
 * <p>Name mapping: {@code model.embed_tokens.weight} → {@code tok_embeddings};
 * {@code model.layers.i.input_layernorm.weight} → {@code rms_att};
 * {@code self_attn.{q,k,v,o}_proj.weight} → {@code wq/wk/wv/wo};
 * {@code post_attention_layernorm.weight} → {@code rms_ffn}; {@code mlp.gate_proj} → {@code w1},
 * {@code mlp.down_proj} → {@code w2}, {@code mlp.up_proj} → {@code w3};
 * {@code model.norm.weight} → {@code rms_final}; {@code lm_head.weight} → {@code output}
 * (dropped when {@code tie_word_embeddings} is true).
 *
 * <p>{@code q_proj}/{@code k_proj} are un-permuted ({@link RotaryPermutation#fromHuggingFace}, k with
 * the key/value heads) because our rotary embedding rotates interleaved pairs, HF's rotates halves.
 * A tensor the mapping does not know fails the load (naming it) rather than being dropped silently;
 * only the {@code rotary_emb.inv_freq} buffers that old exports carry are skipped (we recompute them).
 * Every returned array is a writable copy (safe to train), attached to the given manager.
 */
public final class HuggingFaceLlamaLoader {

    /**
     * A loaded model.
     *
     * @param config  hyperparameters from config.json
     * @param weights Feedloop weight name → float32 array, in {@link WeightNames#required} order
     */
    public record Loaded(LlamaConfig config, LinkedHashMap<String, NDArray> weights) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> LAYER_NAMES = Map.of(
            "input_layernorm.weight", "rms_att",
            "self_attn.q_proj.weight", "wq",
            "self_attn.k_proj.weight", "wk",
            "self_attn.v_proj.weight", "wv",
            "self_attn.o_proj.weight", "wo",
            "post_attention_layernorm.weight", "rms_ffn",
            "mlp.gate_proj.weight", "w1",
            "mlp.down_proj.weight", "w2",
            "mlp.up_proj.weight", "w3");

    private HuggingFaceLlamaLoader() {
    }

    /**
     * Loads {@code dir}.
     *
     * @throws CheckpointException naming the file and field or tensor at fault
     */
    public static Loaded load(Path dir, NDManager manager) {
        LlamaConfig config = LlamaConfigJson.read(dir.resolve("config.json"));
        List<SafetensorsFile> files = openWeightFiles(dir);
        LinkedHashMap<String, NDArray> byOurName = new LinkedHashMap<>();
        try {
            Map<String, Path> origin = new LinkedHashMap<>();
            for (SafetensorsFile file : files) {
                for (String hfName : file.names()) {
                    String ours = ourName(hfName);
                    if (ours == null) {
                        if (hfName.endsWith("rotary_emb.inv_freq")) {
                            continue; // a buffer, not a weight: our model recomputes it
                        }
                        throw CheckpointException.inTensor(file.file(), hfName, "is not a Llama weight this loader knows");
                    }
                    if (ours.equals(WeightNames.OUTPUT) && config.sharedOutputHead()) {
                        continue; // tied: the output head is tok_embeddings
                    }
                    if (byOurName.containsKey(ours)) {
                        throw CheckpointException.inTensor(file.file(), hfName, "appears twice (also in " + origin.get(ours) + ")");
                    }
                    byOurName.put(ours, load(file, hfName, ours, config, manager));
                    origin.put(ours, file.file());
                }
            }
            Path source = files.size() == 1 ? files.get(0).file() : dir;
            WeightNames.validate(source, config, byOurName);
            LinkedHashMap<String, NDArray> ordered = new LinkedHashMap<>();
            WeightNames.required(config).keySet().forEach(name -> ordered.put(name, byOurName.get(name)));
            return new Loaded(config, ordered);
        } catch (RuntimeException e) {
            byOurName.values().forEach(NDArray::close); // a failed load leaves nothing on the caller's manager
            throw e;
        } finally {
            files.forEach(SafetensorsFile::close);
        }
    }

    /** Our name for a Hugging Face Llama tensor name, or null when it is not one. */
    public static String ourName(String hfName) {
        switch (hfName) {
            case "model.embed_tokens.weight":
                return WeightNames.TOK_EMBEDDINGS;
            case "model.norm.weight":
                return WeightNames.RMS_FINAL;
            case "lm_head.weight":
                return WeightNames.OUTPUT;
            default:
                break;
        }
        String prefix = "model.layers.";
        if (!hfName.startsWith(prefix)) {
            return null;
        }
        int dot = hfName.indexOf('.', prefix.length());
        if (dot < 0) {
            return null;
        }
        String index = hfName.substring(prefix.length(), dot);
        if (!index.chars().allMatch(Character::isDigit) || index.isEmpty()) {
            return null;
        }
        String ours = LAYER_NAMES.get(hfName.substring(dot + 1));
        return ours == null ? null : WeightNames.layer(Integer.parseInt(index), ours);
    }

    private static NDArray load(SafetensorsFile file, String hfName, String ours, LlamaConfig config, NDManager manager) {
        if (ours.endsWith(".wq") || ours.endsWith(".wk")) {
            int heads = ours.endsWith(".wq") ? config.numHeads() : config.numKeyValueHeads();
            long expectedRows = (long) heads * config.headSize();
            long rows = file.info(hfName).shape().get(0);
            if (file.info(hfName).shape().dimension() != 2 || rows != expectedRows) {
                throw CheckpointException.inTensor(file.file(), hfName, "shape " + file.info(hfName).shape()
                        + " but the config needs (" + expectedRows + ", " + config.dim() + ")");
            }
            try (NDArray view = file.tensor(hfName, manager)) {
                return RotaryPermutation.fromHuggingFace(view, heads); // a fresh array, not the mapping
            }
        }
        return file.tensorCopy(hfName, manager);
    }

    private static List<SafetensorsFile> openWeightFiles(Path dir) {
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        List<String> names = new ArrayList<>();
        if (Files.isRegularFile(single)) {
            names.add("model.safetensors");
        } else if (Files.isRegularFile(index)) {
            try {
                JsonNode weightMap = JSON.readTree(index.toFile()).path("weight_map");
                for (Iterator<JsonNode> it = weightMap.elements(); it.hasNext(); ) {
                    String shard = it.next().asText();
                    if (!names.contains(shard)) {
                        names.add(shard);
                    }
                }
            } catch (IOException e) {
                throw new CheckpointException(index + ": cannot read: " + e.getMessage(), e);
            }
            if (names.isEmpty()) {
                throw CheckpointException.inFile(index, "weight_map lists no shards");
            }
        } else {
            throw CheckpointException.inFile(dir, "holds neither model.safetensors nor model.safetensors.index.json");
        }
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            for (String name : names) {
                files.add(SafetensorsFile.open(dir.resolve(name)));
            }
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
        return files;
    }
}
