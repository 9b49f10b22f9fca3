package dev.feedloop.ml.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Helpers shared by the losses; package-private because they only exist to dodge DJL pitfall 1. */
final class Tensors {

    private Tensors() {}

    /** A 0-d FLOAT32 tensor owned by torch, in the manager of {@code like} (pitfall 1 and 5). */
    static NDArray scalar(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, DataType.FLOAT32);
    }

    /** clamp(x, lo, hi) built from tensor operands only, so no Java Number enters the graph. */
    static NDArray clamp(NDArray x, double lo, double hi) {
        return x.maximum(scalar(x, lo)).minimum(scalar(x, hi));
    }

    /**
     * Σ(x·mask) / max(Σmask, 1): the mean over the positions where mask is 1. An all-masked input
     * gives 0 rather than NaN, so an empty batch cannot poison a step.
     */
    static NDArray maskedMean(NDArray x, NDArray mask) {
        NDArray m = mask.toType(DataType.FLOAT32, false);
        return x.mul(m).sum().div(m.sum().maximum(scalar(x, 1.0)));
    }

    /** Detached float copy of an array, for diagnostics. */
    static float[] values(NDArray x) {
        return x.toType(DataType.FLOAT32, false).toFloatArray();
    }

    static void requireSameShape(String aName, NDArray a, String bName, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            throw new IllegalArgumentException(
                    aName + " has shape " + a.getShape() + " but " + bName + " has shape " + b.getShape());
        }
    }
}
