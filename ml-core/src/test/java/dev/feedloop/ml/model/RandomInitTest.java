package dev.feedloop.ml.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.feedloop.ml.sampling.LogProbScorer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RandomInitTest {
    static final LlamaConfig SMALL = new LlamaConfig(64, 176, 4, 8, 4, 512, 64, true, 10000, 1e-5);

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        try (NDManager m = NDManager.newBaseManager();
                LlamaModel a = RandomInit.create(SMALL, m, 42);
                LlamaModel b = RandomInit.create(SMALL, m, 42);
                LlamaModel c = RandomInit.create(SMALL, m, 43)) {
            for (String name : a.weights().keySet()) {
                assertArrayEquals(a.weights().get(name).toFloatArray(), b.weights().get(name).toFloatArray(), name);
            }
            String wq = Weights.layer(0, "wq");
            assertFalse(Arrays.equals(a.weights().get(wq).toFloatArray(), c.weights().get(wq).toFloatArray()));
            assertEquals(SMALL.parameterCount(), a.parameterCount());
        }
    }

    @Test
    void scaledLikeGpt2NormsOneResidualProjectionsShrunk() {
        try (NDManager m = NDManager.newBaseManager();
                LlamaModel model = RandomInit.create(SMALL, m, 7)) {
            double residual = RandomInit.STD / Math.sqrt(2.0 * SMALL.numLayers()); // 0.02 / sqrt(8) = 0.00707
            for (var e : model.weights().entrySet()) {
                float[] w = e.getValue().toFloatArray();
                if (e.getValue().getShape().dimension() == 1) {
                    for (float x : w) {
                        assertEquals(1f, x, e.getKey());
                    }
                    continue;
                }
                double expected = e.getKey().endsWith(".wo") || e.getKey().endsWith(".w2") ? residual : RandomInit.STD;
                double[] meanStd = meanStd(w);
                assertEquals(0, meanStd[0], expected * 0.1, e.getKey() + " mean");
                assertEquals(expected, meanStd[1], expected * 0.05, e.getKey() + " std");
            }
        }
    }

    @Test
    void freshModelPredictsNearlyUniformly() {
        // With weights this small the logits are near zero: cross-entropy ≈ ln 512 = 6.238.
        try (NDManager m = NDManager.newBaseManager();
                LlamaModel model = RandomInit.create(SMALL, m, 1);
                NDManager step = m.newSubManager()) {
            int[][] prompts = {{1}, {1}};
            int[][] responses = {{10, 20, 30, 40, 50}, {60, 70, 80}};
            NDArray lp = LogProbScorer.forward(model, TokenBatch.promptResponse(step, prompts, responses), 1f).logprobs();
            float[] v = lp.toFloatArray();
            double sum = 0;
            int n = 0;
            for (float x : v) {
                if (x != 0) {
                    sum += x;
                    n++;
                }
            }
            assertEquals(8, n);
            assertEquals(-Math.log(512), sum / n, 0.05);
        }
    }

    private static double[] meanStd(float[] w) {
        double sum = 0;
        for (float x : w) {
            sum += x;
        }
        double mean = sum / w.length;
        double sq = 0;
        for (float x : w) {
            sq += (x - mean) * (x - mean);
        }
        assertTrue(w.length > 1000);
        return new double[] {mean, Math.sqrt(sq / w.length)};
    }
}
