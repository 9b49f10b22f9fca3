package dev.feedloop.ml.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.feedloop.ml.Stories260K;
import dev.feedloop.ml.sampling.Generation;
import dev.feedloop.ml.sampling.LogProbScorer;
import dev.feedloop.ml.sampling.Sampler;
import dev.feedloop.ml.sampling.SamplingParams;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LlamaModelTest {
    static final String GOLDEN = "Once upon a time, there was a little girl named Lily. "
            + "She loved to play outside in the park.";

    static NDManager manager;
    static LlamaModel model;
    static Llama2cTokenizer tokenizer;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        model = Stories260K.model(manager);
        tokenizer = Stories260K.tokenizer();
    }

    @AfterAll
    static void close() {
        model.close();
        manager.close();
    }

    @Test
    void headerOfStories260kIsRead() {
        LlamaConfig c = model.config();
        assertEquals(new LlamaConfig(64, 172, 5, 8, 4, 512, 512, true, 10000.0, 1e-5), c);
        assertEquals(2, c.groupSize());
    }

    @Test
    void greedyDecodingFromBosReproducesThePublishedStory() {
        List<Generation> out = new Sampler(model, tokenizer).generate(List.of(""), 1, SamplingParams.greedy(40));
        Generation g = out.get(0);
        assertEquals(1, g.promptTokens().length, "an empty prompt is BOS alone");
        assertTrue(g.text().startsWith(GOLDEN), g.text());
        // token for token: the greedy tokens are the tokenizer's encoding of the golden text
        int[] expected = tokenizer.encode(GOLDEN);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], g.tokens()[i], "token " + i);
        }
    }

    @Test
    void kvCacheLogitsEqualFullForwardLogits() {
        int[] seq = withBos(tokenizer.encode("Once upon a time, there was a dog named Max. He liked to run."));
        try (NDManager step = manager.newSubManager()) {
            TokenBatch full = TokenBatch.rightPadded(step, new int[][] {seq});
            float[] fullLogits = model.logits(model.forward(full.tokens(), full.positions(), full.keyBias(), null))
                    .toFloatArray(); // (1, T, V)
            int v = model.config().vocabSize();
            try (KvCache cache = new KvCache(step, model.config().numLayers())) {
                int prefill = 4;
                int[] head = java.util.Arrays.copyOf(seq, prefill);
                TokenBatch first = TokenBatch.rightPadded(step, new int[][] {head});
                float[] cached = model.logits(model.forward(first.tokens(), first.positions(), first.keyBias(), cache))
                        .toFloatArray();
                assertClose(fullLogits, 0, cached, 0, prefill * v, 1e-5, "prefill");
                for (int t = prefill; t < seq.length; t++) {
                    NDArray tok = step.create(new long[] {seq[t]}, new Shape(1, 1));
                    NDArray pos = step.create(new long[] {t}, new Shape(1, 1));
                    NDArray bias = step.zeros(new Shape(1, t + 1));
                    float[] one = model.logits(model.forward(tok, pos, bias, cache)).toFloatArray();
                    assertClose(fullLogits, t * v, one, 0, v, 1e-5, "position " + t);
                }
                assertEquals(seq.length, cache.length());
            }
        }
    }

    @Test
    void aSequenceScoresTheSameAloneAndInLeftAndRightPaddedBatches() {
        int[][] seqs = {
            withBos(tokenizer.encode("Tom had a red ball.")),
            withBos(tokenizer.encode("The sun was shining and the birds were singing in the tall trees.")),
            withBos(tokenizer.encode("Lily smiled.")),
        };
        int v = model.config().vocabSize();
        try (NDManager step = manager.newSubManager()) {
            TokenBatch left = TokenBatch.leftPadded(step, seqs);
            TokenBatch right = TokenBatch.rightPadded(step, seqs);
            float[] leftLogits = model.logits(model.forward(left.tokens(), left.positions(), left.keyBias(), null))
                    .toFloatArray();
            float[] rightLogits = model.logits(model.forward(right.tokens(), right.positions(), right.keyBias(), null))
                    .toFloatArray();
            int width = (int) left.width();
            for (int r = 0; r < seqs.length; r++) {
                TokenBatch alone = TokenBatch.rightPadded(step, new int[][] {seqs[r]});
                float[] aloneLogits = model.logits(model.forward(alone.tokens(), alone.positions(), alone.keyBias(), null))
                        .toFloatArray();
                int n = seqs[r].length;
                int pad = width - n;
                assertClose(aloneLogits, 0, leftLogits, (r * width + pad) * v, n * v, 1e-5, "left-padded row " + r);
                assertClose(aloneLogits, 0, rightLogits, r * width * v, n * v, 1e-5, "right-padded row " + r);
            }
        }
        // and the teacher-forced log-probs of a response do not depend on the batch around it
        List<int[]> prompts = List.of(withBos(tokenizer.encode("Once upon a time")), new int[] {1},
                withBos(tokenizer.encode("The cat and the dog went to the big green park together")));
        List<int[]> responses = List.of(tokenizer.encode(" there was a boy."), tokenizer.encode("Max ran fast and far."),
                tokenizer.encode(" They"));
        float[][] batched = LogProbScorer.score(model, prompts, responses, 1f);
        for (int i = 0; i < prompts.size(); i++) {
            float[][] alone = LogProbScorer.score(model, List.of(prompts.get(i)), List.of(responses.get(i)), 1f);
            assertClose(alone[0], 0, batched[i], 0, alone[0].length, 1e-5, "response " + i);
        }
    }

    @Test
    void impossibleConfigurationsNameBothNumbers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LlamaConfig(130, 256, 2, 8, 4, 512, 256, true, 10000, 1e-5));
        assertTrue(e.getMessage().contains("130") && e.getMessage().contains("8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new LlamaConfig(64, 256, 2, 8, 3, 512, 256, true, 10000, 1e-5));
        assertTrue(e.getMessage().contains("8 heads") && e.getMessage().contains("3 key/value"), e.getMessage());
    }

    static int[] withBos(int[] tokens) {
        int[] out = new int[tokens.length + 1];
        out[0] = Llama2cTokenizer.BOS_ID;
        System.arraycopy(tokens, 0, out, 1, tokens.length);
        return out;
    }

    /**
     * |Δ| ≤ tol · max(1, max |expected|) over the compared values: logits reach magnitudes of
     * 10–20, and float32 matmuls of different shapes (one new token against a cache, a padded
     * batch) sum in a different order; the rounding error of a logit scales with the magnitudes that
     * produce it, not with the logit itself, so an absolute 1e-5 would ask more than float32 gives.
     */
    static void assertClose(float[] expected, int eOff, float[] actual, int aOff, int n, double tol, String what) {
        double scale = 1.0;
        for (int i = 0; i < n; i++) {
            scale = Math.max(scale, Math.abs(expected[eOff + i]));
        }
        double worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Math.abs(expected[eOff + i] - actual[aOff + i]));
        }
        assertTrue(worst <= tol * scale, what + ": max |Δ| " + worst + " > " + tol + " × scale " + scale);
    }
}
