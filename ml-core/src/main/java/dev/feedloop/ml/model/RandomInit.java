package dev.feedloop.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A freshly initialised {@link LlamaModel}, scaled as GPT-2 and llama are: every matrix drawn from
 * normal(0, 0.02); the projections that write into the residual stream ({@code wo}, {@code w2})
 * further scaled by 1/sqrt(2·layers) so the residual's variance does not grow with depth (GPT-2,
 * Radford et al. 2019, section 2.3); RMSNorm gains 1.
 *
 * <p>Deterministic: each weight draws from its own stream, seeded by (seed, weight name), in Java,
 * so the same seed gives bit-identical weights on every machine and regardless of the order in
 * which weights are made or of libtorch's global generator.
 */
public final class RandomInit {
    /** Standard deviation of every matrix before the residual scaling. */
    public static final double STD = 0.02;

    private RandomInit() {}

    /** A random model for {@code config}; its weights live in a new sub-manager of {@code parent}. */
    public static LlamaModel create(LlamaConfig config, NDManager parent, long seed) {
        NDManager manager = parent.newSubManager();
        double residualStd = STD / Math.sqrt(2.0 * config.numLayers());
        LinkedHashMap<String, NDArray> weights = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : LlamaModel.expectedShapes(config).entrySet()) {
            String name = e.getKey();
            Shape shape = e.getValue();
            if (shape.dimension() == 1) {
                weights.put(name, manager.ones(shape)); // RMSNorm gains
            } else {
                double std = name.endsWith(".wo") || name.endsWith(".w2") ? residualStd : STD;
                weights.put(name, manager.create(normal(shape.size(), std, seed, name), shape));
            }
        }
        return new LlamaModel(config, manager, weights);
    }

    /** {@code n} draws from normal(0, std), from a stream seeded by (seed, name). */
    static float[] normal(long n, double std, long seed, String name) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
        float[] out = new float[Math.toIntExact(n)];
        for (int i = 0; i < out.length; i += 2) {
            // Box-Muller: two independent normals from two uniforms
            double u1 = 1.0 - random.nextDouble(); // (0, 1]: log stays finite
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1)) * std;
            out[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < out.length) {
                out[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
        return out;
    }
}
