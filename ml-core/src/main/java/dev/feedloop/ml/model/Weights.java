package dev.feedloop.ml.model;

/**
 * The names of a Llama model's weights, as llama2.c and the paper name them. Linear weights are
 * stored (out, in) like PyTorch and llama2.c.
 *
 * <pre>
 * tok_embeddings      (V, C)
 * layers.i.rms_att    (C)          layers.i.rms_ffn (C)
 * layers.i.wq         (C, C)       layers.i.wo      (C, C)
 * layers.i.wk         (KV·D, C)    layers.i.wv      (KV·D, C)
 * layers.i.w1         (F, C)       layers.i.w3      (F, C)      layers.i.w2 (C, F)
 * rms_final           (C)
 * output              (V, C)       only when the head is not shared with tok_embeddings
 * value_head.weight   (1, C)       value_head.bias  (1)         optional
 * reward_head.weight  (1, C)       reward_head.bias (1)         optional
 * </pre>
 */
public final class Weights {
    public static final String TOKEN_EMBEDDINGS = "tok_embeddings";
    public static final String RMS_FINAL = "rms_final";
    public static final String OUTPUT = "output";
    public static final String VALUE_HEAD_WEIGHT = "value_head.weight";
    public static final String VALUE_HEAD_BIAS = "value_head.bias";
    public static final String REWARD_HEAD_WEIGHT = "reward_head.weight";
    public static final String REWARD_HEAD_BIAS = "reward_head.bias";

    private Weights() {}

    /** Name of a per-layer weight, e.g. {@code layer(3, "wq")} is {@code layers.3.wq}. */
    public static String layer(int index, String name) {
        return "layers." + index + "." + name;
    }

    /** The per-layer weight names, in llama2.c's order. */
    public static final String[] LAYER_WEIGHTS = {
        "rms_att", "wq", "wk", "wv", "wo", "rms_ffn", "w1", "w2", "w3"
    };
}
