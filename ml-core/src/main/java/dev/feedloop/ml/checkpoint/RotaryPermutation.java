package dev.feedloop.ml.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Converts {@code wq}/{@code wk} rows between the two rotary conventions.
 *
 * <p>Feedloop (like llama2.c and Meta's original Llama code) rotates interleaved pairs
 * (x[2i], x[2i+1]) of each head. Hugging Face Llama rotates halves (x[i], x[i + D/2]), so its
 * convert script permuted each head's rows: {@code w.view(H, D/2, 2, in).transpose(1, 2).reshape(H·D, in)},
 * i.e. our row {@code h·D + 2i + j} is HF row {@code h·D + j·D/2 + i}. With the rows permuted
 * this way the two models compute the same attention scores.
 *
 * <p>Shapes: {@code w} is (H·D, in) with H the heads of that projection (query heads for
 * {@code wq}, key/value heads for {@code wk}). Results belong to {@code w}'s manager.
 */
public final class RotaryPermutation {

    private RotaryPermutation() {
    }

    /** HF (rotate-half) rows → ours (interleaved pairs): the inverse of HF's convert-script permute. */
    public static NDArray fromHuggingFace(NDArray w, int heads) {
        long[] dims = checked(w, heads);
        long rows = dims[0];
        long in = dims[1];
        return swapMiddle(w.reshape(heads, 2, rows / heads / 2, in), rows, in); // (H, 2, D/2, in) → (H·D, in)
    }

    /** Ours (interleaved pairs) → HF (rotate-half): HF's convert-script permute. */
    public static NDArray toHuggingFace(NDArray w, int heads) {
        long[] dims = checked(w, heads);
        long rows = dims[0];
        long in = dims[1];
        return swapMiddle(w.reshape(heads, rows / heads / 2, 2, in), rows, in); // (H, D/2, 2, in) → (H·D, in)
    }

    /** Swaps axes 1 and 2 of a (H, a, b, in) view and flattens it back to a fresh (rows, in) array. */
    private static NDArray swapMiddle(NDArray split, long rows, long in) {
        try (NDArray swapped = split.transpose(0, 2, 1, 3)) { // (H, b, a, in), a strided view
            return swapped.reshape(rows, in);                 // (H·D, in), copied because not contiguous
        } finally {
            split.close(); // a view: closing drops the reference, not the caller's data
        }
    }

    private static long[] checked(NDArray w, int heads) {
        Shape shape = w.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("rotary permutation needs a (rows, in) matrix, got " + shape);
        }
        long rows = shape.get(0);
        if (heads <= 0 || rows % heads != 0 || (rows / heads) % 2 != 0) {
            throw new IllegalArgumentException(
                    rows + " rows do not split into " + heads + " heads of an even head size");
        }
        return shape.getShape();
    }
}
