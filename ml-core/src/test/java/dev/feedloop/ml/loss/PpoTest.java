package dev.feedloop.ml.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * Sign convention: {@link Ppo} returns the loss, the negative of PPO's clipped objective. "Ratio 1.5,
 * advantage +1, ε 0.2 contributes −1.2" is the loss term: objective min(1.5, 1.2) = 1.2, loss −1.2.
 * "Ratio 0.5, advantage −1 → +0.8": objective min(−0.5, −0.8) = −0.8, loss +0.8.
 */
class PpoTest {

    private static Ppo.PolicyResult single(NDManager m, double ratio, float advantage) {
        return Ppo.clippedPolicyLoss(m.create(new float[] {(float) Math.log(ratio)}), m.create(new float[] {0f}),
                m.create(new float[] {advantage}), m.create(new float[] {1f}), 0.2);
    }

    @Test
    void ratio1_5AdvantagePlus1ContributesMinus1_2() {
        try (NDManager m = NDManager.newBaseManager()) {
            Ppo.PolicyResult r = single(m, 1.5, 1f);
            assertEquals(-1.2, r.loss().getFloat(), 1e-6);
            assertEquals(1.0, r.clipFrac(), 0);
        }
    }

    @Test
    void ratio0_5AdvantageMinus1ContributesPlus0_8() {
        try (NDManager m = NDManager.newBaseManager()) {
            Ppo.PolicyResult r = single(m, 0.5, -1f);
            assertEquals(0.8, r.loss().getFloat(), 1e-6);
            assertEquals(1.0, r.clipFrac(), 0);
        }
    }

    @Test
    void clippingNeverHelpsThePessimisticSide() {
        // ratio 1.5, A = −1: loss max(1.5, 1.2) = 1.5, the unclipped branch: not clipped
        try (NDManager m = NDManager.newBaseManager()) {
            Ppo.PolicyResult r = single(m, 1.5, -1f);
            assertEquals(1.5, r.loss().getFloat(), 1e-6);
            assertEquals(0.0, r.clipFrac(), 0);
        }
    }

    @Test
    void maskedMeanDiagnosticsAndGradient() {
        // tokens: (ρ 1.5, A +1) → −1.2 clipped; (ρ 0.5, A −1) → 0.8 clipped; (ρ 1.1, A +1) → −1.1;
        // a padding token with absurd values. Mean over 3 = −0.5; clipfrac 2/3.
        // Gradient w.r.t. logp: 0 where clipped; −ρ·A/3 = −1.1/3 on the third; 0 on padding.
        try (NDManager m = NDManager.newBaseManager();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            float[] lr = {(float) Math.log(1.5), (float) Math.log(0.5), (float) Math.log(1.1), 5f};
            NDArray logp = m.create(lr, new Shape(2, 2));
            logp.setRequiresGradient(true);
            Ppo.PolicyResult r = Ppo.clippedPolicyLoss(logp, m.zeros(new Shape(2, 2)),
                    m.create(new float[] {1f, -1f, 1f, 100f}, new Shape(2, 2)),
                    m.create(new float[] {1f, 1f, 1f, 0f}, new Shape(2, 2)), 0.2);
            gc.backward(r.loss());
            assertEquals(-0.5, r.loss().getFloat(), 1e-6);
            assertEquals(2.0 / 3, r.clipFrac(), 1e-12);
            double approxKl = 0.5 * (Math.pow(lr[0], 2) + Math.pow(lr[1], 2) + Math.pow(lr[2], 2)) / 3;
            assertEquals(approxKl, r.approxKl(), 1e-6);
            assertEquals((1.5 + 0.5 + 1.1) / 3, r.ratioMean(), 1e-6);
            assertArrayEquals(new float[] {0f, 0f, -1.1f / 3, 0f}, logp.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void clippedValueLoss() {
        // token 1: V 1.5, V_old 1.0, R 2.0, c 0.2 → V_clip 1.2; errors² 0.25 vs 0.64 → 0.64 (clipped larger)
        // token 2: V 1.125, V_old 1.0, R 2.0 → V_clip 1.125; 0.765625 both (not counted as clipped)
        // loss = 0.5·(0.64 + 0.765625)/2 = 0.35140625; vf clipfrac 1/2
        try (NDManager m = NDManager.newBaseManager();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray v = m.create(new float[] {1.5f, 1.125f, 9f});
            v.setRequiresGradient(true);
            Ppo.ValueResult r = Ppo.clippedValueLoss(v, m.create(new float[] {1f, 1f, 0f}),
                    m.create(new float[] {2f, 2f, 0f}), m.create(new float[] {1f, 1f, 0f}), 0.2);
            gc.backward(r.loss());
            assertEquals(0.35140625, r.loss().getFloat(), 1e-6);
            assertEquals(0.5, r.clipFrac(), 0);
            // token 1: the clipped branch is constant in V (V_clip saturated) → 0;
            // token 2: tie, the two branches share 0.5·(1/2)·2·(V − R) = −0.4375; padding 0
            assertArrayEquals(new float[] {0f, -0.4375f, 0f}, v.getGradient().toFloatArray(), 1e-6f);
        }
    }
}
