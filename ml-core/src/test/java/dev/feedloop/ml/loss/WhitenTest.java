package dev.feedloop.ml.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WhitenTest {

    private static double[] meanAndUnbiasedStd(float[][] x, float[][] mask) {
        double s = 0, n = 0;
        for (int b = 0; b < x.length; b++) for (int t = 0; t < x[b].length; t++) if (mask[b][t] != 0) { s += x[b][t]; n++; }
        double mean = s / n, ss = 0;
        for (int b = 0; b < x.length; b++) for (int t = 0; t < x[b].length; t++) if (mask[b][t] != 0) ss += Math.pow(x[b][t] - mean, 2);
        return new double[] {mean, Math.sqrt(ss / (n - 1))};
    }

    @Test
    void maskedWhiteningGivesMeanZeroStdOne() {
        float[][] x = {{1, 2, 3, 100}, {4, 10, -5, -100}};
        float[][] mask = Whiten.lengthMask(new int[] {3, 3}, 4);
        float[][] w = Whiten.whiten(x, mask, true);
        double[] ms = meanAndUnbiasedStd(w, mask);
        assertEquals(0.0, ms[0], 1e-6);
        assertEquals(1.0, ms[1], 1e-6);
        assertEquals(0f, w[0][3], 0f, "masked positions are zero");
    }

    @Test
    void withoutShiftTheMeanIsKept() {
        float[][] x = {{1, 2, 3, 6}};
        float[][] mask = Whiten.lengthMask(new int[] {4}, 4);
        float[][] w = Whiten.whiten(x, mask, false);
        double[] ms = meanAndUnbiasedStd(w, mask);
        assertEquals(3.0, ms[0], 1e-6);
        assertEquals(1.0, ms[1], 1e-6);
    }

    @Test
    void constantInputGivesZerosNotNaN() {
        float[][] w = Whiten.whiten(new float[][] {{2, 2, 2}}, null, true);
        assertArrayEquals(new float[] {0, 0, 0}, w[0], 0f);
    }
}
