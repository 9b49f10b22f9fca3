package dev.feedloop.ml.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.feedloop.ml.model.LlamaConfig;

/**
 * {@link LlamaConfig} ↔ a Hugging Face style {@code config.json} ({@code LlamaForCausalLM} keys).
 *
 * <p>Read: {@code hidden_size}, {@code intermediate_size}, {@code num_hidden_layers},
 * {@code num_attention_heads}, {@code vocab_size} are required; {@code num_key_value_heads}
 * defaults to the heads, {@code max_position_embeddings} to 2048, {@code tie_word_embeddings} to
 * false, {@code rope_theta} to 10000 and {@code rms_norm_eps} to 1e-6 (Hugging Face's
 * {@code LlamaConfig} defaults). A config that is not Llama-family, or that uses a feature our
 * model does not implement ({@code rope_scaling}, biases, a non-SiLU activation, a different
 * {@code head_dim}), fails with the field named: loading it anyway would give a wrong model silently.
 */
public final class LlamaConfigJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LlamaConfigJson() {
    }

    /** Reads and checks {@code configJson}. @throws CheckpointException naming the file and field */
    public static LlamaConfig read(Path configJson) {
        JsonNode root;
        try {
            root = JSON.readTree(configJson.toFile());
        } catch (IOException e) {
            throw new CheckpointException(configJson + ": cannot read config: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw CheckpointException.inFile(configJson, "not a JSON object");
        }
        return parse(configJson, root);
    }

    /** Checks and converts an already parsed config; {@code source} is named in errors. */
    public static LlamaConfig parse(Path source, JsonNode root) {
        checkLlamaFamily(source, root);
        unsupportedUnless(source, root, "hidden_act", !root.has("hidden_act") || root.get("hidden_act").asText().equals("silu"),
                "only SiLU (SwiGLU) is implemented");
        unsupportedUnless(source, root, "rope_scaling", root.path("rope_scaling").isMissingNode() || root.get("rope_scaling").isNull(),
                "rotary scaling is not implemented");
        unsupportedUnless(source, root, "attention_bias", !root.path("attention_bias").asBoolean(false),
                "attention biases are not implemented");
        unsupportedUnless(source, root, "mlp_bias", !root.path("mlp_bias").asBoolean(false),
                "MLP biases are not implemented");
        int dim = requiredInt(source, root, "hidden_size");
        int heads = requiredInt(source, root, "num_attention_heads");
        if (root.hasNonNull("head_dim") && heads > 0 && root.get("head_dim").asInt() * heads != dim) {
            throw field(source, "head_dim", root.get("head_dim").asText(),
                    "head_dim × num_attention_heads must equal hidden_size " + dim);
        }
        try {
            return new LlamaConfig(
                    dim,
                    requiredInt(source, root, "intermediate_size"),
                    requiredInt(source, root, "num_hidden_layers"),
                    heads,
                    root.hasNonNull("num_key_value_heads") ? intField(source, root, "num_key_value_heads") : heads,
                    requiredInt(source, root, "vocab_size"),
                    root.hasNonNull("max_position_embeddings") ? intField(source, root, "max_position_embeddings") : 2048,
                    root.path("tie_word_embeddings").asBoolean(false),
                    root.path("rope_theta").asDouble(10000.0),
                    root.path("rms_norm_eps").asDouble(1e-6));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * The config.json object for {@code config}: Hugging Face Llama keys (so tools can read the
     * hyperparameters), plus the token ids when known ({@code -1} leaves them out).
     */
    public static ObjectNode toJson(LlamaConfig config, int bosId, int eosId) {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add("LlamaForCausalLM");
        root.put("model_type", "llama");
        root.put("hidden_size", config.dim());
        root.put("intermediate_size", config.hiddenDim());
        root.put("num_hidden_layers", config.numLayers());
        root.put("num_attention_heads", config.numHeads());
        root.put("num_key_value_heads", config.numKeyValueHeads());
        root.put("vocab_size", config.vocabSize());
        root.put("max_position_embeddings", config.contextLength());
        root.put("tie_word_embeddings", config.sharedOutputHead());
        root.put("rope_theta", config.ropeTheta());
        root.put("rms_norm_eps", config.normEps());
        root.put("hidden_act", "silu");
        root.put("torch_dtype", "float32");
        if (bosId >= 0) {
            root.put("bos_token_id", bosId);
        }
        if (eosId >= 0) {
            root.put("eos_token_id", eosId);
        }
        return root;
    }

    private static void checkLlamaFamily(Path source, JsonNode root) {
        List<String> architectures = new ArrayList<>();
        root.path("architectures").forEach(a -> architectures.add(a.asText()));
        if (root.hasNonNull("model_type")) {
            String modelType = root.get("model_type").asText();
            if (!modelType.equals("llama")) {
                throw field(source, "model_type", modelType, "not a Llama-family model (architectures "
                        + architectures + "); expected model_type 'llama'");
            }
        } else if (architectures.stream().noneMatch(a -> a.startsWith("Llama"))) {
            throw field(source, "architectures", architectures.toString(),
                    "not a Llama-family model (and no model_type); expected LlamaForCausalLM");
        }
    }

    private static int requiredInt(Path source, JsonNode root, String name) {
        if (!root.hasNonNull(name)) {
            throw CheckpointException.inFile(source, "field '" + name + "' is missing");
        }
        return intField(source, root, name);
    }

    private static int intField(Path source, JsonNode root, String name) {
        JsonNode value = root.get(name);
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw field(source, name, value.toString(), "must be an integer");
        }
        return value.asInt();
    }

    private static void unsupportedUnless(Path source, JsonNode root, String name, boolean ok, String why) {
        if (!ok) {
            throw field(source, name, root.get(name).toString(), why);
        }
    }

    private static CheckpointException field(Path source, String name, String value, String problem) {
        return CheckpointException.inFile(source, "field '" + name + "' = '" + value + "': " + problem);
    }
}
