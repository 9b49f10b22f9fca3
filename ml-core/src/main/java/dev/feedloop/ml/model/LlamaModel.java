package dev.feedloop.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.engine.PtNDArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Llama-family decoder: token embedding, {@code numLayers} blocks of (RMSNorm, rotary
 * grouped-query attention, residual, RMSNorm, SwiGLU, residual), a final RMSNorm, and an output
 * head shared with the embedding or separate. Optional scalar value and reward heads read the
 * final hidden state.
 *
 * <p>Dimensions: B batch, T new tokens, S cached positions, C model width, H query heads, KV
 * key/value heads, G = H / KV, D head size, F SwiGLU width, V vocabulary.
 *
 * <p>Rotary embeddings follow llama2.c: each head rotates the interleaved pairs (x[2i], x[2i+1])
 * by angle pos · θ^(−2i/D). Padding is handled by explicit positions per token and an additive
 * key mask, so a sequence gets exactly the same activations alone and inside a padded batch.
 *
 * <p>Memory: every result is created by an operation whose receiver is an activation, so it lives
 * in the caller's manager (the manager of {@code tokens}); constants sliced here are attached to it.
 */
public final class LlamaModel implements AutoCloseable {
    /** Additive bias for a masked attention score: large but finite, so no row becomes NaN. */
    public static final float MASKED = -1e9f;

    private final LlamaConfig config;
    private final NDManager manager;
    private final LinkedHashMap<String, NDArray> weights;
    private final NDArray cosTable; // (contextLength, D/2)
    private final NDArray sinTable; // (contextLength, D/2)
    private final NDArray causalBias; // (contextLength, contextLength): 0 on and below the diagonal
    private final NDArray attentionScale; // scalar 1/sqrt(D), torch-owned (see STACK-NOTES pitfall 1)
    private final NDArray normEps; // scalar

    /**
     * Wraps weights that already live in {@code manager}; the model owns the manager from now on.
     * Missing or mis-shaped weights fail here, naming the weight and both shapes.
     */
    public LlamaModel(LlamaConfig config, NDManager manager, Map<String, NDArray> weights) {
        this.config = config;
        this.manager = manager;
        this.weights = new LinkedHashMap<>(weights);
        for (Map.Entry<String, Shape> expected : expectedShapes(config).entrySet()) {
            NDArray w = this.weights.get(expected.getKey());
            if (w == null) {
                throw new IllegalArgumentException("missing weight " + expected.getKey());
            }
            if (!w.getShape().equals(expected.getValue())) {
                throw new IllegalArgumentException("weight " + expected.getKey() + " has shape "
                        + w.getShape() + ", expected " + expected.getValue());
            }
        }
        int half = config.headSize() / 2;
        int ctx = config.contextLength();
        float[] cos = new float[ctx * half];
        float[] sin = new float[ctx * half];
        for (int pos = 0; pos < ctx; pos++) {
            for (int i = 0; i < half; i++) {
                double freq = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headSize());
                double angle = pos * freq;
                cos[pos * half + i] = (float) Math.cos(angle);
                sin[pos * half + i] = (float) Math.sin(angle);
            }
        }
        this.cosTable = manager.create(cos, new Shape(ctx, half));
        this.sinTable = manager.create(sin, new Shape(ctx, half));
        float[] causal = new float[ctx * ctx];
        for (int i = 0; i < ctx; i++) {
            for (int j = i + 1; j < ctx; j++) {
                causal[i * ctx + j] = MASKED;
            }
        }
        this.causalBias = manager.create(causal, new Shape(ctx, ctx));
        this.attentionScale = manager.full(new Shape(), (float) (1.0 / Math.sqrt(config.headSize())), DataType.FLOAT32);
        this.normEps = manager.full(new Shape(), (float) config.normEps(), DataType.FLOAT32);
    }

    /** Shapes of the trunk and output head (not the optional heads), by weight name. */
    public static LinkedHashMap<String, Shape> expectedShapes(LlamaConfig c) {
        LinkedHashMap<String, Shape> s = new LinkedHashMap<>();
        long kvDim = (long) c.numKeyValueHeads() * c.headSize();
        s.put(Weights.TOKEN_EMBEDDINGS, new Shape(c.vocabSize(), c.dim()));
        for (int l = 0; l < c.numLayers(); l++) {
            s.put(Weights.layer(l, "rms_att"), new Shape(c.dim()));
            s.put(Weights.layer(l, "wq"), new Shape(c.dim(), c.dim()));
            s.put(Weights.layer(l, "wk"), new Shape(kvDim, c.dim()));
            s.put(Weights.layer(l, "wv"), new Shape(kvDim, c.dim()));
            s.put(Weights.layer(l, "wo"), new Shape(c.dim(), c.dim()));
            s.put(Weights.layer(l, "rms_ffn"), new Shape(c.dim()));
            s.put(Weights.layer(l, "w1"), new Shape(c.hiddenDim(), c.dim()));
            s.put(Weights.layer(l, "w2"), new Shape(c.dim(), c.hiddenDim()));
            s.put(Weights.layer(l, "w3"), new Shape(c.hiddenDim(), c.dim()));
        }
        s.put(Weights.RMS_FINAL, new Shape(c.dim()));
        if (!c.sharedOutputHead()) {
            s.put(Weights.OUTPUT, new Shape(c.vocabSize(), c.dim()));
        }
        return s;
    }

    public LlamaConfig config() {
        return config;
    }

    /** The manager that owns the weights and constants. */
    public NDManager manager() {
        return manager;
    }

    /** All weights by name, in a stable order (trunk in llama2.c order, then heads). */
    public Map<String, NDArray> weights() {
        return Collections.unmodifiableMap(weights);
    }

    public boolean hasValueHead() {
        return weights.containsKey(Weights.VALUE_HEAD_WEIGHT);
    }

    public boolean hasRewardHead() {
        return weights.containsKey(Weights.REWARD_HEAD_WEIGHT);
    }

    /** Adds a zero-initialised scalar value head (PPO's critic), if absent. */
    public void addValueHead() {
        addHead(Weights.VALUE_HEAD_WEIGHT, Weights.VALUE_HEAD_BIAS);
    }

    /** Adds a zero-initialised scalar reward head, if absent. */
    public void addRewardHead() {
        addHead(Weights.REWARD_HEAD_WEIGHT, Weights.REWARD_HEAD_BIAS);
    }

    private void addHead(String weightName, String biasName) {
        if (!weights.containsKey(weightName)) {
            weights.put(weightName, manager.zeros(new Shape(1, config.dim())));
            weights.put(biasName, manager.zeros(new Shape(1)));
        }
    }

    /** Weights whose gradients are computed, in a stable order. */
    public List<NDArray> parameters() {
        return new ArrayList<>(weights.values());
    }

    /** Turns gradient tracking on (training) or off (sampling, reference model) for every weight. */
    public void setTrainable(boolean trainable) {
        for (NDArray w : weights.values()) {
            w.setRequiresGradient(trainable);
        }
    }

    /** Zeroes accumulated gradients: DJL's collector adds into them and never clears them. */
    public void zeroGradients() {
        for (NDArray w : weights.values()) {
            if (w.hasGradient()) {
                JniUtils.zeroGrad((PtNDArray) w);
            }
        }
    }

    /**
     * Runs the trunk on T new tokens per sequence.
     *
     * @param tokens    (B, T) int64 token ids
     * @param positions (B, T) int64 position of each token in its own sequence (0 = first real token)
     * @param keyBias   (B, S+T) float additive bias per key: 0 for a real token, {@link #MASKED} for padding;
     *                  covers the cached positions and the new ones
     * @param cache     keys/values of the S earlier positions, appended to; null for a full forward
     * @return the final hidden states (B, T, C), after the last RMSNorm
     */
    public NDArray forward(NDArray tokens, NDArray positions, NDArray keyBias, KvCache cache) {
        NDManager step = tokens.getManager();
        long batch = tokens.getShape().get(0);
        long newTokens = tokens.getShape().get(1);
        int cached = cache == null ? 0 : cache.length();
        if (cached + newTokens > config.contextLength()) {
            throw new IllegalArgumentException("sequence of " + (cached + newTokens)
                    + " positions exceeds the context length " + config.contextLength());
        }
        NDArray cos = rotaryTable(cosTable, positions, step); // (B, 1, T, D/2)
        NDArray sin = rotaryTable(sinTable, positions, step); // (B, 1, T, D/2)
        NDArray causal = causalBias.get(new NDIndex("{}:{}, 0:{}", cached, cached + newTokens, cached + newTokens));
        causal.attach(step);
        NDArray mask = causal.reshape(1, 1, newTokens, cached + newTokens)
                .add(keyBias.reshape(batch, 1, 1, cached + newTokens)); // (B, 1, T, S+T)

        NDArray x = Embedding.embedding(tokens, w(Weights.TOKEN_EMBEDDINGS), SparseFormat.DENSE)
                .singletonOrThrow(); // (B, T, C)
        for (int l = 0; l < config.numLayers(); l++) {
            NDArray h = rmsNorm(x, w(Weights.layer(l, "rms_att"))); // (B, T, C)
            x = x.add(attention(l, h, cos, sin, mask, cache)); // (B, T, C)
            h = rmsNorm(x, w(Weights.layer(l, "rms_ffn"))); // (B, T, C)
            x = x.add(feedForward(l, h)); // (B, T, C)
        }
        if (cache != null) {
            cache.advance((int) newTokens);
        }
        return rmsNorm(x, w(Weights.RMS_FINAL)); // (B, T, C)
    }

    /** Next-token logits (…, V) from final hidden states (…, C). */
    public NDArray logits(NDArray hidden) {
        String head = config.sharedOutputHead() ? Weights.TOKEN_EMBEDDINGS : Weights.OUTPUT;
        return Linear.linear(hidden, w(head)).singletonOrThrow(); // (…, V)
    }

    /** Scalar value per position (…) from hidden states (…, C). Needs {@link #addValueHead()}. */
    public NDArray value(NDArray hidden) {
        return scalarHead(hidden, Weights.VALUE_HEAD_WEIGHT, Weights.VALUE_HEAD_BIAS);
    }

    /** Scalar reward per position (…) from hidden states (…, C). Needs {@link #addRewardHead()}. */
    public NDArray reward(NDArray hidden) {
        return scalarHead(hidden, Weights.REWARD_HEAD_WEIGHT, Weights.REWARD_HEAD_BIAS);
    }

    private NDArray scalarHead(NDArray hidden, String weightName, String biasName) {
        if (!weights.containsKey(weightName)) {
            throw new IllegalStateException("model has no " + weightName);
        }
        NDArray out = Linear.linear(hidden, w(weightName), w(biasName)).singletonOrThrow(); // (…, 1)
        return out.squeeze(-1); // (…)
    }

    private NDArray attention(int l, NDArray h, NDArray cos, NDArray sin, NDArray mask, KvCache cache) {
        long b = h.getShape().get(0);
        long t = h.getShape().get(1);
        int heads = config.numHeads();
        int kvHeads = config.numKeyValueHeads();
        int d = config.headSize();
        int g = config.groupSize();
        NDArray q = Linear.linear(h, w(Weights.layer(l, "wq"))).singletonOrThrow()
                .reshape(b, t, heads, d).transpose(0, 2, 1, 3); // (B, H, T, D)
        NDArray k = Linear.linear(h, w(Weights.layer(l, "wk"))).singletonOrThrow()
                .reshape(b, t, kvHeads, d).transpose(0, 2, 1, 3); // (B, KV, T, D)
        NDArray v = Linear.linear(h, w(Weights.layer(l, "wv"))).singletonOrThrow()
                .reshape(b, t, kvHeads, d).transpose(0, 2, 1, 3); // (B, KV, T, D)
        q = rotate(q, cos, sin); // (B, H, T, D)
        k = rotate(k, cos, sin); // (B, KV, T, D)
        if (cache != null) {
            NDArray[] kv = cache.append(l, k, v);
            k = kv[0]; // (B, KV, S+T, D)
            v = kv[1]; // (B, KV, S+T, D)
        }
        long span = k.getShape().get(2);
        // Grouped-query attention without copying K/V: the G query heads of one KV head share a matmul.
        NDArray qGrouped = q.reshape(b, kvHeads, g * t, d); // (B, KV, G·T, D)
        NDArray scores = qGrouped.matMul(k.transpose(0, 1, 3, 2)) // (B, KV, G·T, S+T)
                .reshape(b, heads, t, span) // (B, H, T, S+T)
                .mul(attentionScale)
                .add(mask); // (B, H, T, S+T)
        NDArray probs = scores.softmax(-1).reshape(b, kvHeads, g * t, span); // (B, KV, G·T, S+T)
        NDArray out = probs.matMul(v) // (B, KV, G·T, D)
                .reshape(b, heads, t, d) // (B, H, T, D)
                .transpose(0, 2, 1, 3)
                .reshape(b, t, (long) heads * d); // (B, T, C)
        return Linear.linear(out, w(Weights.layer(l, "wo"))).singletonOrThrow(); // (B, T, C)
    }

    private NDArray feedForward(int l, NDArray h) {
        NDArray gate = Linear.linear(h, w(Weights.layer(l, "w1"))).singletonOrThrow(); // (B, T, F)
        NDArray up = Linear.linear(h, w(Weights.layer(l, "w3"))).singletonOrThrow(); // (B, T, F)
        NDArray silu = gate.mul(Activation.sigmoid(gate)); // (B, T, F)
        return Linear.linear(silu.mul(up), w(Weights.layer(l, "w2"))).singletonOrThrow(); // (B, T, C)
    }

    /** x · rsqrt(mean(x²) + eps) · weight, over the last axis. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray meanSquare = x.mul(x).mean(new int[] {-1}, true); // (…, 1)
        return x.div(meanSquare.add(normEps).sqrt()).mul(weight); // (…, C)
    }

    /** Rotates interleaved pairs of x (B, heads, T, D) by the angles in cos/sin (B, 1, T, D/2). */
    private static NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
        Shape shape = x.getShape();
        NDArray pairs = x.reshape(shape.get(0), shape.get(1), shape.get(2), shape.get(3) / 2, 2); // (B, h, T, D/2, 2)
        NDArray even = pairs.get("..., 0"); // (B, h, T, D/2)
        NDArray odd = pairs.get("..., 1"); // (B, h, T, D/2)
        NDArray rotatedEven = even.mul(cos).sub(odd.mul(sin)); // (B, h, T, D/2)
        NDArray rotatedOdd = even.mul(sin).add(odd.mul(cos)); // (B, h, T, D/2)
        return rotatedEven.stack(rotatedOdd, -1).reshape(shape); // (B, h, T, D)
    }

    /** Rows of a (contextLength, D/2) table at the given positions (B, T) → (B, 1, T, D/2). */
    private static NDArray rotaryTable(NDArray table, NDArray positions, NDManager step) {
        NDArray rows = Embedding.embedding(positions, table, SparseFormat.DENSE).singletonOrThrow(); // (B, T, D/2)
        rows.attach(step);
        return rows.expandDims(1); // (B, 1, T, D/2)
    }

    private NDArray w(String name) {
        return weights.get(name);
    }

    /** A deep copy of this model's weights in a new manager, e.g. the frozen reference policy. */
    public LlamaModel copy(NDManager parent) {
        NDManager m = parent.newSubManager();
        LinkedHashMap<String, NDArray> copied = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray c = e.getValue().duplicate();
            c.attach(m);
            copied.put(e.getKey(), c);
        }
        return new LlamaModel(config, m, copied);
    }

    /** Number of float parameters across all weights, heads included. */
    public long parameterCount() {
        long n = 0;
        for (NDArray w : weights.values()) {
            n += w.size();
        }
        return n;
    }

    @Override
    public void close() {
        manager.close();
    }

    /** A float32 scalar owned by the model's manager, safe to use as an operand in autograd. */
    public NDArray constant(float value) {
        return manager.full(new Shape(), value, DataType.FLOAT32);
    }
}
