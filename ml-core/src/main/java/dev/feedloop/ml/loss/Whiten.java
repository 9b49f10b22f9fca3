package dev.feedloop.ml.loss;

/**
 * Masked whitening as in TRL's {@code masked_whiten}: x̂ = (x − μ) / sqrt(σ² + 1e-8), with μ and σ²
 * the mean and unbiased (Bessel-corrected) variance over the positions where mask is 1; with
 * {@code shiftMean = false} the mean is added back (TRL whitens rewards that way, advantages with
 * the shift). Masked-out positions are returned as 0.
 *
 * <p>Dimensions: B sequences, T tokens.
 */
public final class Whiten {

    private Whiten() {}

    /** Added to the variance, as TRL, so a constant input gives zeros instead of NaN. */
    public static final double EPSILON = 1e-8;

    /** @param mask (B, T) of 0/1; null for all ones */
    public static float[][] whiten(float[][] x, float[][] mask, boolean shiftMean) {
        double sum = 0;
        long n = 0;
        for (int b = 0; b < x.length; b++) {
            for (int t = 0; t < x[b].length; t++) {
                if (mask != null && mask[b][t] == 0) continue;
                sum += x[b][t];
                n++;
            }
        }
        if (n == 0) return new float[x.length][];
        double mean = sum / n;
        double ss = 0;
        for (int b = 0; b < x.length; b++) {
            for (int t = 0; t < x[b].length; t++) {
                if (mask != null && mask[b][t] == 0) continue;
                double d = x[b][t] - mean;
                ss += d * d;
            }
        }
        double variance = n > 1 ? ss / (n - 1) : 0.0;
        double scale = 1.0 / Math.sqrt(variance + EPSILON);
        float[][] out = new float[x.length][];
        for (int b = 0; b < x.length; b++) {
            out[b] = new float[x[b].length];
            for (int t = 0; t < x[b].length; t++) {
                if (mask != null && mask[b][t] == 0) continue;
                double w = (x[b][t] - mean) * scale;
                out[b][t] = (float) (shiftMean ? w : w + mean);
            }
        }
        return out;
    }

    /** Mask of the first {@code lengths[b]} positions of each row of width {@code width}. */
    public static float[][] lengthMask(int[] lengths, int width) {
        float[][] m = new float[lengths.length][width];
        for (int b = 0; b < lengths.length; b++) {
            for (int t = 0; t < Math.min(lengths[b], width); t++) m[b][t] = 1;
        }
        return m;
    }
}
