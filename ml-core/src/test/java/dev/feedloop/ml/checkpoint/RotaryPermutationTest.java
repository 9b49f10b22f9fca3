package dev.feedloop.ml.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

class RotaryPermutationTest {

    /** Row r of our matrix holds [10r, 10r + 1], so a permuted row shows where it came from. */
    private static NDArray rows(NDManager manager, int count) {
        float[] values = new float[count * 2];
        for (int r = 0; r < count; r++) {
            values[2 * r] = 10 * r;
            values[2 * r + 1] = 10 * r + 1;
        }
        return manager.create(values, new Shape(count, 2));
    }

    private static float[] firstColumn(NDArray w) {
        float[] all = w.toFloatArray();
        float[] column = new float[all.length / 2];
        for (int r = 0; r < column.length; r++) {
            column[r] = all[2 * r];
        }
        return column;
    }

    @Test
    void toHuggingFaceMatchesTheConvertScriptOnALiteral() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // 2 heads of size D = 6: our pairs (0,1) (2,3) (4,5) per head; HF puts each pair's first
            // element in the first half and its second in the second half:
            // w.view(2, 3, 2, in).transpose(1, 2).reshape(12, in) → rows 0 2 4 1 3 5 | 6 8 10 7 9 11
            NDArray hf = RotaryPermutation.toHuggingFace(rows(manager, 12), 2);
            assertEquals(new Shape(12, 2), hf.getShape());
            assertArrayEquals(new float[] {0, 20, 40, 10, 30, 50, 60, 80, 100, 70, 90, 110}, firstColumn(hf));
            for (int r = 0; r < 12; r++) { // whole rows move: the input column stays with its row
                assertEquals(hf.getFloat(r, 0) + 1, hf.getFloat(r, 1));
            }
        }
    }

    @Test
    void fromHuggingFaceUndoesIt() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // HF rows of one head with D = 4: [0, 2, 1, 3] (in our row numbers) → ours [0, 1, 2, 3]
            NDArray hf = manager.create(new float[] {0, 1, 20, 21, 10, 11, 30, 31}, new Shape(4, 2));
            assertArrayEquals(new float[] {0, 1, 10, 11, 20, 21, 30, 31},
                    RotaryPermutation.fromHuggingFace(hf, 1).toFloatArray());
            NDArray ours = rows(manager, 16);
            for (int heads : new int[] {1, 2, 4}) {
                assertArrayEquals(ours.toFloatArray(), RotaryPermutation.fromHuggingFace(
                        RotaryPermutation.toHuggingFace(ours, heads), heads).toFloatArray(), heads + " heads");
            }
        }
    }

    @Test
    void rejectsRowsThatDoNotSplitIntoEvenHeads() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = rows(manager, 6);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RotaryPermutation.fromHuggingFace(w, 2)); // head size 3 is odd
            assertEquals("6 rows do not split into 2 heads of an even head size", e.getMessage());
        }
    }

    @Test
    void attentionScoresAgreeAcrossTheTwoRotaryConventions() {
        // One head, D = 4, input width 3. Ours: rotate pairs (q[2i], q[2i+1]) by m·θ_i.
        // HF: rotate (q[i], q[i + D/2]) by m·θ_i on rows permuted by toHuggingFace. q·k must agree.
        int d = 4;
        int in = 3;
        java.util.Random rng = new java.util.Random(11);
        float[] wq = new float[d * in];
        float[] wk = new float[d * in];
        float[] xm = new float[in];
        float[] xn = new float[in];
        for (float[] a : new float[][] {wq, wk, xm, xn}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rng.nextGaussian();
            }
        }
        int m = 5;
        int n = 2;
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] wqHf = RotaryPermutation.toHuggingFace(manager.create(wq, new Shape(d, in)), 1).toFloatArray();
            float[] wkHf = RotaryPermutation.toHuggingFace(manager.create(wk, new Shape(d, in)), 1).toFloatArray();
            double ours = dot(ropeInterleaved(matVec(wq, xm, d, in), m), ropeInterleaved(matVec(wk, xn, d, in), n));
            double hf = dot(ropeHalves(matVec(wqHf, xm, d, in), m), ropeHalves(matVec(wkHf, xn, d, in), n));
            assertEquals(ours, hf, 1e-5);
            // and the unpermuted HF rows with HF's rotation would not agree: the permutation matters
            double wrong = dot(ropeHalves(matVec(wq, xm, d, in), m), ropeHalves(matVec(wk, xn, d, in), n));
            org.junit.jupiter.api.Assertions.assertNotEquals(ours, wrong, 1e-3);
        }
    }

    private static double[] matVec(float[] w, float[] x, int rows, int in) {
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < in; c++) {
                y[r] += w[r * in + c] * x[c];
            }
        }
        return y;
    }

    private static double theta(int i, int d) {
        return Math.pow(10000, -2.0 * i / d);
    }

    private static double[] ropeInterleaved(double[] q, int pos) {
        double[] out = q.clone();
        for (int i = 0; i < q.length / 2; i++) {
            double a = pos * theta(i, q.length);
            out[2 * i] = q[2 * i] * Math.cos(a) - q[2 * i + 1] * Math.sin(a);
            out[2 * i + 1] = q[2 * i] * Math.sin(a) + q[2 * i + 1] * Math.cos(a);
        }
        return out;
    }

    private static double[] ropeHalves(double[] q, int pos) {
        double[] out = q.clone();
        int half = q.length / 2;
        for (int i = 0; i < half; i++) {
            double a = pos * theta(i, q.length);
            out[i] = q[i] * Math.cos(a) - q[i + half] * Math.sin(a);
            out[i + half] = q[i] * Math.sin(a) + q[i + half] * Math.cos(a);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
