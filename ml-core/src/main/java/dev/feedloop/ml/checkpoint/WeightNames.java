package dev.feedloop.ml.checkpoint;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.feedloop.ml.model.LlamaConfig;

/**
 * Feedloop's weight names and their shapes: the vocabulary every checkpoint reader and writer
 * shares. All float32; linear weights are (out, in) as in PyTorch and llama2.c; {@code wq}/{@code wk}
 * rows follow llama2.c's rotary convention (rotate interleaved pairs x[2i], x[2i+1]).
 *
 * <pre>
 * tok_embeddings (V, C)
 * layers.{i}.rms_att (C)   layers.{i}.wq (C, C)   layers.{i}.wk (KV·D, C)   layers.{i}.wv (KV·D, C)
 * layers.{i}.wo (C, C)     layers.{i}.rms_ffn (C) layers.{i}.w1 (hidden, C) layers.{i}.w2 (C, hidden)
 * layers.{i}.w3 (hidden, C)
 * rms_final (C)
 * output (V, C)            only when the output head is not the embedding
 * value_head.weight (1, C), value_head.bias (1), reward_head.weight (1, C), reward_head.bias (1): optional
 * </pre>
 */
public final class WeightNames {

    public static final String TOK_EMBEDDINGS = "tok_embeddings";
    public static final String RMS_FINAL = "rms_final";
    public static final String OUTPUT = "output";
    public static final String VALUE_HEAD_WEIGHT = "value_head.weight";
    public static final String VALUE_HEAD_BIAS = "value_head.bias";
    public static final String REWARD_HEAD_WEIGHT = "reward_head.weight";
    public static final String REWARD_HEAD_BIAS = "reward_head.bias";
    /** The optional scalar heads, by head name ({@code value_head}, {@code reward_head}). */
    public static final List<String> OPTIONAL_HEADS = List.of("value_head", "reward_head");

    private WeightNames() {
    }

    /** {@code layers.{layer}.{name}}. */
    public static String layer(int layer, String name) {
        return "layers." + layer + "." + name;
    }

    /** Every required weight of {@code config} with its shape, in canonical (file) order. */
    public static LinkedHashMap<String, Shape> required(LlamaConfig config) {
        long c = config.dim();
        long kv = (long) config.numKeyValueHeads() * config.headSize();
        long hidden = config.hiddenDim();
        LinkedHashMap<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put(TOK_EMBEDDINGS, new Shape(config.vocabSize(), c));
        for (int i = 0; i < config.numLayers(); i++) {
            shapes.put(layer(i, "rms_att"), new Shape(c));
            shapes.put(layer(i, "wq"), new Shape(c, c));
            shapes.put(layer(i, "wk"), new Shape(kv, c));
            shapes.put(layer(i, "wv"), new Shape(kv, c));
            shapes.put(layer(i, "wo"), new Shape(c, c));
            shapes.put(layer(i, "rms_ffn"), new Shape(c));
            shapes.put(layer(i, "w1"), new Shape(hidden, c));
            shapes.put(layer(i, "w2"), new Shape(c, hidden));
            shapes.put(layer(i, "w3"), new Shape(hidden, c));
        }
        shapes.put(RMS_FINAL, new Shape(c));
        if (!config.sharedOutputHead()) {
            shapes.put(OUTPUT, new Shape(config.vocabSize(), c));
        }
        return shapes;
    }

    /** The optional head weights with their shapes. */
    public static LinkedHashMap<String, Shape> optional(LlamaConfig config) {
        LinkedHashMap<String, Shape> shapes = new LinkedHashMap<>();
        for (String head : OPTIONAL_HEADS) {
            shapes.put(head + ".weight", new Shape(1, config.dim()));
            shapes.put(head + ".bias", new Shape(1));
        }
        return shapes;
    }

    /** The optional heads ({@code value_head}, {@code reward_head}) present in {@code weights}. */
    public static List<String> headsPresent(Map<String, ?> weights) {
        return OPTIONAL_HEADS.stream().filter(h -> weights.containsKey(h + ".weight")).toList();
    }

    /**
     * Checks that {@code weights} hold exactly the required weights of {@code config} plus whole
     * optional heads, each with its shape and float32.
     *
     * @param source named in the error: the file the weights come from or go to
     * @throws CheckpointException naming {@code source} and the missing, unexpected or mis-shaped tensor
     */
    public static void validate(Path source, LlamaConfig config, Map<String, NDArray> weights) {
        Map<String, Shape> required = required(config);
        Map<String, Shape> optional = optional(config);
        for (Map.Entry<String, Shape> e : required.entrySet()) {
            if (!weights.containsKey(e.getKey())) {
                throw CheckpointException.inTensor(source, e.getKey(), "missing; the config needs it with shape " + e.getValue());
            }
        }
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            Shape expected = required.containsKey(e.getKey()) ? required.get(e.getKey()) : optional.get(e.getKey());
            if (expected == null) {
                throw CheckpointException.inTensor(source, e.getKey(), "is not a weight of this model"
                        + (e.getKey().equals(OUTPUT) ? " (the config shares the output head with tok_embeddings)" : ""));
            }
            if (!expected.equals(e.getValue().getShape())) {
                throw CheckpointException.inTensor(source, e.getKey(),
                        "shape " + e.getValue().getShape() + " but the config needs " + expected);
            }
            if (e.getValue().getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
                throw CheckpointException.inTensor(source, e.getKey(), "is " + e.getValue().getDataType() + ", not FLOAT32");
            }
        }
        for (String head : OPTIONAL_HEADS) {
            if (weights.containsKey(head + ".weight") != weights.containsKey(head + ".bias")) {
                throw CheckpointException.inTensor(source, head, "has only one of .weight and .bias");
            }
        }
    }
}
