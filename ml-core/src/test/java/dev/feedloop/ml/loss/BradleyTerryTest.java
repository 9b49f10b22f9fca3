package dev.feedloop.ml.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class BradleyTerryTest {

    private static final double LN2 = 0.6931471805599453;
    /** −log σ(2) = log(1 + e^−2). */
    private static final double SOFTPLUS_MINUS_2 = 0.12692801104297263;

    @Test
    void equalRewardsGiveLn2() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray r = m.create(new float[] {0.3f, -1f, 2f, 0f, 5f});
            BradleyTerry.Result res = BradleyTerry.loss(r, r.duplicate());
            assertEquals(LN2, res.loss().getFloat(), 1e-6);
            assertEquals(0.5, res.accuracy(), 0, "a reward tie counts half");
            assertEquals(0.0, res.meanMargin(), 0);
        }
    }

    @Test
    void rewardGapOfTwoGives0_126928() {
        try (NDManager m = NDManager.newBaseManager()) {
            BradleyTerry.Result res = BradleyTerry.loss(m.create(new float[] {2f}), m.create(new float[] {0f}));
            assertEquals(0.126928, res.loss().getFloat(), 1e-6);
            assertEquals(1.0, res.accuracy(), 0);
            assertEquals(2.0, res.meanMargin(), 1e-6);
        }
    }

    @Test
    void marginIsSubtractedFromTheGap() {
        // gap 3, margin 1 → −log σ(2)
        try (NDManager m = NDManager.newBaseManager()) {
            BradleyTerry.Result res = BradleyTerry.groupLoss(m.create(new float[] {3f}), m.create(new float[] {0f}),
                    null, m.create(new float[] {1f}), null, 1);
            assertEquals(SOFTPLUS_MINUS_2, res.loss().getFloat(), 1e-6);
            assertEquals(3.0, res.meanMargin(), 1e-6, "the reported margin is the reward gap, m not subtracted");
        }
    }

    @Test
    void softLabelHalfAveragesBothDirections() {
        // y = 0.5, Δ = 2: 0.5·softplus(−2) + 0.5·softplus(2) = 0.5·(0.126928 + 2.126928) = 1.126928
        try (NDManager m = NDManager.newBaseManager()) {
            BradleyTerry.Result res = BradleyTerry.groupLoss(m.create(new float[] {2f}), m.create(new float[] {0f}),
                    null, null, m.create(new float[] {0.5f}), 1);
            assertEquals(1.126928, res.loss().getFloat(), 1e-6);
            assertTrue(Double.isNaN(res.accuracy()), "ties do not enter accuracy");
        }
    }

    @Test
    void lossIsTheMeanOverGroupsOfWeightedGroupSums() {
        // group A: a K = 3 ranking, 3 pairs of weight 1/3 with Δ = 0 → group sum ln 2
        // group B: one pair of weight 1 with Δ = 2 → 0.126928; mean over 2 groups = 0.410038
        try (NDManager m = NDManager.newBaseManager()) {
            float third = 1f / 3;
            BradleyTerry.Result res = BradleyTerry.groupLoss(
                    m.create(new float[] {1f, 1f, 1f, 2f}), m.create(new float[] {1f, 1f, 1f, 0f}),
                    m.create(new float[] {third, third, third, 1f}), null, null, 2);
            assertEquals((LN2 + SOFTPLUS_MINUS_2) / 2, res.loss().getFloat(), 1e-6);
            assertEquals((0.5 * 3 + 1) / 4, res.accuracy(), 1e-12);
        }
    }

    @Test
    void stableForLargeGaps() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(200.0, BradleyTerry.loss(m.create(new float[] {-100f}), m.create(new float[] {100f}))
                    .loss().getFloat(), 1e-4);
            assertEquals(0.0, BradleyTerry.loss(m.create(new float[] {100f}), m.create(new float[] {-100f}))
                    .loss().getFloat(), 1e-30);
        }
    }

    @Test
    void gradientWrtChosenIsMinusWeightTimesSigmoidOfMinusGap() {
        // one group (G = 1) of three pairs with weights w; ∂loss/∂r_c,i = −w_i·σ(−Δ_i), ∂/∂r_r,i = +w_i·σ(−Δ_i)
        float[] rc = {1f, 0f, 2f};
        float[] rr = {0f, 0f, -1f};
        float[] w = {0.5f, 0.25f, 0.25f};
        try (NDManager m = NDManager.newBaseManager();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray chosen = m.create(rc);
            NDArray rejected = m.create(rr);
            chosen.setRequiresGradient(true);
            rejected.setRequiresGradient(true);
            BradleyTerry.Result res = BradleyTerry.groupLoss(chosen, rejected, m.create(w), null, null, 1);
            gc.backward(res.loss());
            float[] expectedChosen = new float[3];
            float[] expectedRejected = new float[3];
            for (int i = 0; i < 3; i++) {
                double sigmoidMinusGap = 1 / (1 + Math.exp(rc[i] - rr[i]));
                expectedChosen[i] = (float) (-w[i] * sigmoidMinusGap);
                expectedRejected[i] = (float) (w[i] * sigmoidMinusGap);
            }
            // by hand: σ(−1) = 0.268941, σ(0) = 0.5, σ(−3) = 0.047426
            assertArrayEquals(new float[] {-0.134471f, -0.125f, -0.011857f}, expectedChosen, 1e-6f);
            assertArrayEquals(expectedChosen, chosen.getGradient().toFloatArray(), 1e-6f);
            assertArrayEquals(expectedRejected, rejected.getGradient().toFloatArray(), 1e-6f);
        }
    }
}
