package dev.feedloop.ml.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KlTest {

    @Test
    void k1IsTheLogRatio() {
        assertArrayEquals(new float[] {-0.5f, 1f}, Kl.k1(new float[] {-1f, -1f}, new float[] {-0.5f, -2f}), 1e-7f);
    }

    @Test
    void k3ByHand() {
        // logp = −1, ref = −2: log r = −1, k3 = e^−1 − 1 + 1 = 0.367879
        // logp = −2, ref = −1: log r = +1, k3 = e − 1 − 1 = 0.718282
        assertArrayEquals(new float[] {0.367879f, 0.718282f, 0f},
                Kl.k3(new float[] {-1f, -2f, -3f}, new float[] {-2f, -1f, -3f}), 1e-6f);
    }

    @Test
    void k3IsNeverNegativeAndTensorFormAgrees() {
        Random rnd = new Random(7);
        float[] logp = new float[1000];
        float[] ref = new float[1000];
        for (int i = 0; i < logp.length; i++) {
            logp[i] = (float) (-10 * rnd.nextDouble());
            ref[i] = (float) (logp[i] + (rnd.nextDouble() - 0.5) * (i % 2 == 0 ? 1e-6 : 6));
        }
        float[] k3 = Kl.k3(logp, ref);
        for (float v : k3) assertTrue(v >= 0, "k3 = " + v);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] t = Kl.k3(m.create(logp), m.create(ref)).toFloatArray();
            assertArrayEquals(k3, t, 2e-5f);
            assertEquals(0f, Kl.k1(m.create(logp), m.create(logp)).sum().getFloat(), 0f);
        }
    }
}
