package dev.feedloop.ml.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Catches DJL pitfall 1 (a Java Number operand whose buffer is freed before backward): two identical
 * gradient-descent runs through every differentiable loss, with the garbage collector prodded
 * between steps, must give bit-identical losses.
 */
class LossDeterminismTest {

    private static List<Float> run() {
        float[] rewards = {0.1f, -0.2f, 0.3f, 0.0f};          // r_c (2), r_r (2)
        float[] logp = {-1.0f, -0.5f, -2.0f, -0.1f};          // (2, 2)
        float[] values = {0.0f, 0.5f, 1.0f, -0.5f};           // (2, 2)
        List<Float> losses = new ArrayList<>();
        for (int step = 0; step < 30; step++) {
            try (NDManager m = NDManager.newBaseManager();
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray r = m.create(rewards);
                NDArray lp = m.create(logp, new Shape(2, 2));
                NDArray v = m.create(values, new Shape(2, 2));
                r.setRequiresGradient(true);
                lp.setRequiresGradient(true);
                v.setRequiresGradient(true);
                NDArray bt = BradleyTerry.groupLoss(r.get("0:2"), r.get("2:4"), m.create(new float[] {0.5f, 0.5f}),
                        m.create(new float[] {0.1f, 0.2f}), m.create(new float[] {1f, 0.5f}), 1).loss();
                NDArray pg = Ppo.clippedPolicyLoss(lp, m.create(new float[] {-1f, -0.6f, -1.8f, -0.1f}, new Shape(2, 2)),
                        m.create(new float[] {1f, -1f, 0.5f, 2f}, new Shape(2, 2)),
                        m.create(new float[] {1f, 1f, 1f, 0f}, new Shape(2, 2)), 0.2).loss();
                NDArray vf = Ppo.clippedValueLoss(v, m.zeros(new Shape(2, 2)), m.ones(new Shape(2, 2)),
                        m.ones(new Shape(2, 2)), 0.2).loss();
                NDArray kl = Kl.k3(lp, m.create(new float[] {-1.1f, -0.4f, -2.2f, -0.3f}, new Shape(2, 2))).mean();
                NDArray total = bt.add(pg).add(vf).add(kl);
                gc.backward(total);
                System.gc();
                losses.add(total.getFloat());
                step(rewards, r.getGradient().toFloatArray());
                step(logp, lp.getGradient().toFloatArray());
                step(values, v.getGradient().toFloatArray());
            }
        }
        return losses;
    }

    private static void step(float[] x, float[] grad) {
        for (int i = 0; i < x.length; i++) x[i] -= 0.1f * grad[i];
    }

    @Test
    void repeatedRunsGiveIdenticalLosses() {
        List<Float> a = run();
        List<Float> b = run();
        assertEquals(a, b);
        // and the descent went somewhere: the total fell
        assertTrue(a.get(a.size() - 1) < a.get(0), a.toString());
    }
}
