package dev.feedloop.ml.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class GaeTest {

    @Test
    void gammaLambdaOneZeroValuesRewardAtEnd() {
        Gae.Result r = Gae.compute(new float[] {0, 0, 1}, new float[] {0, 0, 0}, 3, 1.0, 1.0);
        assertArrayEquals(new float[] {1, 1, 1}, r.advantages()[0], 0f);
        assertArrayEquals(new float[] {1, 1, 1}, r.returns()[0], 0f);
    }

    @Test
    void lambda0_95ByHand() {
        // rewards [0, 0, 1], values [0.5, 0.6, 0.7], γ = 1, λ = 0.95
        // t=2: δ = 1 + 0   − 0.7 = 0.3; A = 0.3
        // t=1: δ = 0 + 0.7 − 0.6 = 0.1; A = 0.1 + 0.95·0.3   = 0.385
        // t=0: δ = 0 + 0.6 − 0.5 = 0.1; A = 0.1 + 0.95·0.385 = 0.46575
        // returns = A + V = [0.96575, 0.985, 1.0]
        Gae.Result r = Gae.compute(new float[] {0, 0, 1}, new float[] {0.5f, 0.6f, 0.7f}, 3, 1.0, 0.95);
        assertArrayEquals(new float[] {0.46575f, 0.385f, 0.3f}, r.advantages()[0], 1e-6f);
        assertArrayEquals(new float[] {0.96575f, 0.985f, 1.0f}, r.returns()[0], 1e-6f);
    }

    @Test
    void positionsPastTheValidLengthAreIgnoredAndZero() {
        Gae.Result r = Gae.compute(new float[][] {{0, 0, 1, 7, 7}, {2, 9, 9, 9, 9}},
                new float[][] {{0.5f, 0.6f, 0.7f, 3, 3}, {0.5f, 3, 3, 3, 3}}, new int[] {3, 1}, 1.0, 0.95);
        assertArrayEquals(new float[] {0.46575f, 0.385f, 0.3f, 0, 0}, r.advantages()[0], 1e-6f);
        // one-token sequence: A = 2 − 0.5 = 1.5
        assertArrayEquals(new float[] {1.5f, 0, 0, 0, 0}, r.advantages()[1], 1e-6f);
        assertArrayEquals(new float[] {2f, 0, 0, 0, 0}, r.returns()[1], 1e-6f);
    }

    @Test
    void discountWithLambdaZeroIsOneStepTd() {
        // γ = 0.5, λ = 0: A_t = r_t + γV_{t+1} − V_t = [0 + 0.5·2 − 1, 1 + 0 − 2] = [0, −1]
        Gae.Result r = Gae.compute(new float[] {0, 1}, new float[] {1, 2}, 2, 0.5, 0.0);
        assertArrayEquals(new float[] {0f, -1f}, r.advantages()[0], 1e-6f);
    }
}
