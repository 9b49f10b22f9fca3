package dev.feedloop.ml.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class EntropyTest {

    @Test
    void uniformIsLnVAndPeakedIsNearZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            // (B=1, T=3, V=4): uniform, very peaked, two equal maxima
            float[] logits = {0, 0, 0, 0, 50, 0, 0, 0, 10, 10, -1e4f, -1e4f};
            var h = Entropy.perToken(m.create(logits, new Shape(1, 3, 4)));
            assertEquals(new Shape(1, 3), h.getShape());
            assertArrayEquals(new float[] {(float) Math.log(4), 0f, (float) Math.log(2)}, h.toFloatArray(), 1e-5f);
            // masked mean over the first two tokens: ln 4 / 2
            float mean = Entropy.maskedMean(m.create(logits, new Shape(1, 3, 4)),
                    m.create(new float[] {1, 1, 0}, new Shape(1, 3))).getFloat();
            assertEquals(Math.log(4) / 2, mean, 1e-5);
        }
    }
}
