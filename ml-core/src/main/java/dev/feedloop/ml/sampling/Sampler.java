package dev.feedloop.ml.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.feedloop.ml.model.KvCache;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.model.TokenBatch;
import dev.feedloop.ml.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batched generation: K samples for each of P prompts in one call, prompts of different lengths
 * left-padded, one prefill then one token per step with a KV cache (or, for comparison, a full
 * forward per step). Each sequence draws from its own random stream seeded by (seed, prompt index,
 * sample index), so its output does not depend on what else is in the batch.
 *
 * <p>Not thread-safe: one sampler per thread (the model's weights may be shared for reading).
 */
public final class Sampler {
    /** Most samples per prompt in one call. */
    public static final int MAX_SAMPLES_PER_PROMPT = 64;

    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final PromptEncoder encoder;
    private boolean useKvCache = true;

    public Sampler(LlamaModel model, Tokenizer tokenizer) {
        if (tokenizer.vocabSize() != model.config().vocabSize()) {
            throw new IllegalArgumentException("tokenizer has " + tokenizer.vocabSize()
                    + " tokens but the model's vocabulary is " + model.config().vocabSize());
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.encoder = new PromptEncoder(tokenizer, model.config().contextLength());
    }

    /** Off: every step reruns the whole sequence (for benchmarks and equivalence tests). */
    public Sampler useKvCache(boolean on) {
        this.useKvCache = on;
        return this;
    }

    public LlamaModel model() {
        return model;
    }

    public PromptEncoder encoder() {
        return encoder;
    }

    /** K samples for each prompt text; the result lists prompt by prompt, sample by sample. */
    public List<Generation> generate(List<String> prompts, int k, SamplingParams params) {
        List<int[]> encoded = new ArrayList<>(prompts.size());
        for (String p : prompts) {
            encoded.add(encoder.encode(p, params.maxNewTokens()));
        }
        return generateFromTokens(encoded, k, params);
    }

    /** K samples for each tokenised prompt (BOS included); prompts too long are left-truncated. */
    public List<Generation> generateFromTokens(List<int[]> prompts, int k, SamplingParams params) {
        if (k < 1 || k > MAX_SAMPLES_PER_PROMPT) {
            throw new IllegalArgumentException("samples per prompt K = " + k + " is outside 1…" + MAX_SAMPLES_PER_PROMPT);
        }
        if (prompts.isEmpty()) {
            return List.of();
        }
        int p = prompts.size();
        int b = p * k;
        int[][] rows = new int[b][];
        for (int i = 0; i < p; i++) {
            int[] fitted = encoder.fit(prompts.get(i), params.maxNewTokens());
            if (fitted.length == 0) {
                throw new IllegalArgumentException("prompt " + i + " has no tokens: it needs at least BOS");
            }
            for (int j = 0; j < k; j++) {
                rows[i * k + j] = fitted;
            }
        }
        int vocab = model.config().vocabSize();
        int eos = tokenizer.eosId();
        int[][] out = new int[b][params.maxNewTokens()];
        float[][] lps = new float[b][params.maxNewTokens()];
        int[] produced = new int[b];
        boolean[] done = new boolean[b];
        FinishReason[] reasons = new FinishReason[b];
        SplittableRandom[] randoms = new SplittableRandom[b];
        TokenSampler tokenSampler = new TokenSampler(params, vocab);
        for (int r = 0; r < b; r++) {
            randoms[r] = new SplittableRandom(mix(params.seed(), r / k, r % k));
        }
        float[] lp = new float[1];
        boolean gradMode = ai.djl.pytorch.jni.JniUtils.isGradMode();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try (NDManager gen = model.manager().newSubManager();
                KvCache cache = useKvCache ? new KvCache(gen, model.config().numLayers()) : null) {
            float[] logits;
            int promptWidth;
            try (NDManager step = gen.newSubManager()) {
                TokenBatch batch = TokenBatch.leftPadded(step, rows);
                promptWidth = (int) batch.width();
                logits = lastLogits(step, batch.tokens(), batch.positions(), batch.keyBias(), cache);
            }
            // keyBias over all positions so far: padding columns of the prompt stay masked.
            float[] bias = new float[b * (promptWidth + params.maxNewTokens())];
            for (int r = 0; r < b; r++) {
                for (int c = 0; c < promptWidth - rows[r].length; c++) {
                    bias[r * (promptWidth + params.maxNewTokens()) + c] = LlamaModel.MASKED;
                }
            }
            for (int t = 0; t < params.maxNewTokens(); t++) {
                boolean allDone = true;
                for (int r = 0; r < b; r++) {
                    if (done[r]) {
                        continue;
                    }
                    int token = tokenSampler.sample(logits, r * vocab, vocab, randoms[r], lp);
                    out[r][produced[r]] = token;
                    lps[r][produced[r]] = lp[0];
                    produced[r]++;
                    if (token == eos) {
                        done[r] = true;
                        reasons[r] = FinishReason.EOS;
                    } else if (produced[r] == params.maxNewTokens()) {
                        done[r] = true;
                        reasons[r] = FinishReason.LENGTH;
                    } else {
                        allDone = false;
                    }
                }
                if (allDone) {
                    break;
                }
                int span = promptWidth + t + 1;
                try (NDManager step = gen.newSubManager()) {
                    if (useKvCache) {
                        long[] next = new long[b];
                        long[] pos = new long[b];
                        for (int r = 0; r < b; r++) {
                            // a finished row keeps feeding its last token; its outputs are ignored
                            next[r] = out[r][Math.max(produced[r] - 1, 0)];
                            pos[r] = rows[r].length + t;
                        }
                        NDArray keyBias = step.create(rowsOf(bias, b, promptWidth + params.maxNewTokens(), span),
                                new Shape(b, span));
                        logits = lastLogits(step, step.create(next, new Shape(b, 1)),
                                step.create(pos, new Shape(b, 1)), keyBias, cache);
                    } else {
                        logits = fullForwardLogits(step, rows, out, t + 1);
                    }
                }
            }
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(gradMode);
        }
        List<Generation> result = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            int[] tokens = Arrays.copyOf(out[r], produced[r]);
            int[] visible = reasons[r] == FinishReason.EOS ? Arrays.copyOf(tokens, tokens.length - 1) : tokens;
            // After BOS alone the text starts fresh; after a real prompt it continues it (keeps its leading space).
            boolean continuesText = rows[r].length > 1 || rows[r][0] != tokenizer.bosId();
            String text = continuesText ? tokenizer.decodeContinuation(visible) : tokenizer.decode(visible);
            result.add(new Generation(r / k, r % k, rows[r].clone(), tokens, Arrays.copyOf(lps[r], produced[r]),
                    text, reasons[r]));
        }
        return result;
    }

    /** Decoding without a cache: the whole prompt + generated sequence, left-padded, every step. */
    private float[] fullForwardLogits(NDManager step, int[][] prompts, int[][] generated, int count) {
        int[][] seqs = new int[prompts.length][];
        for (int r = 0; r < prompts.length; r++) {
            seqs[r] = new int[prompts[r].length + count];
            System.arraycopy(prompts[r], 0, seqs[r], 0, prompts[r].length);
            System.arraycopy(generated[r], 0, seqs[r], prompts[r].length, count);
        }
        TokenBatch batch = TokenBatch.leftPadded(step, seqs);
        return lastLogits(step, batch.tokens(), batch.positions(), batch.keyBias(), null);
    }

    private float[] lastLogits(NDManager step, NDArray tokens, NDArray positions, NDArray keyBias, KvCache cache) {
        NDArray hidden = model.forward(tokens, positions, keyBias, cache); // (B, T, C)
        NDArray last = hidden.get(":, -1, :"); // (B, C)
        return model.logits(last).toFloatArray(); // (B, V) flattened
    }

    private static float[] rowsOf(float[] bias, int b, int stride, int span) {
        float[] out = new float[b * span];
        for (int r = 0; r < b; r++) {
            System.arraycopy(bias, r * stride, out, r * span, span);
        }
        return out;
    }

    /** A per-sequence seed; SplittableRandom's mixing spreads nearby seeds apart. */
    static long mix(long seed, int prompt, int sample) {
        long h = seed * 0x9E3779B97F4A7C15L + prompt * 0xBF58476D1CE4E5B9L + sample * 0x94D049BB133111EBL;
        return new SplittableRandom(h).nextLong();
    }
}
