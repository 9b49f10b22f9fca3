package dev.feedloop.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Sequences of different lengths packed into one (B, T) batch with the positions and key mask that
 * make padding invisible to the model.
 *
 * <p>The prompt/response layout left-pads prompts and right-pads responses, so every response
 * starts at column {@link #responseStart()}: the logits that predict response token i are those
 * of column responseStart − 1 + i for every row.
 *
 * @param tokens        (B, T) int64, padding filled with 0
 * @param positions     (B, T) int64, 0 at each row's first real token
 * @param keyBias       (B, T) float, 0 for real tokens and {@link LlamaModel#MASKED} for padding
 * @param lengths       real tokens per row
 * @param responseStart first response column (prompt/response layout), or -1
 * @param responseLengths response tokens per row (prompt/response layout), or null
 */
public record TokenBatch(NDArray tokens, NDArray positions, NDArray keyBias, int[] lengths,
        int responseStart, int[] responseLengths) {

    /** Real tokens at the end of each row, padding first (used for generation prompts). */
    public static TokenBatch leftPadded(NDManager m, int[][] sequences) {
        int width = maxLength(sequences);
        int b = sequences.length;
        long[] tokens = new long[b * width];
        long[] positions = new long[b * width];
        float[] bias = new float[b * width];
        int[] lengths = new int[b];
        for (int r = 0; r < b; r++) {
            int pad = width - sequences[r].length;
            lengths[r] = sequences[r].length;
            for (int c = 0; c < width; c++) {
                int i = r * width + c;
                if (c < pad) {
                    bias[i] = LlamaModel.MASKED;
                } else {
                    tokens[i] = sequences[r][c - pad];
                    positions[i] = c - pad;
                }
            }
        }
        return create(m, b, width, tokens, positions, bias, lengths, -1, null);
    }

    /** Real tokens at the start of each row, padding last (used for teacher forcing). */
    public static TokenBatch rightPadded(NDManager m, int[][] sequences) {
        int width = maxLength(sequences);
        int b = sequences.length;
        long[] tokens = new long[b * width];
        long[] positions = new long[b * width];
        float[] bias = new float[b * width];
        int[] lengths = new int[b];
        for (int r = 0; r < b; r++) {
            lengths[r] = sequences[r].length;
            for (int c = 0; c < width; c++) {
                int i = r * width + c;
                if (c < sequences[r].length) {
                    tokens[i] = sequences[r][c];
                    positions[i] = c;
                } else {
                    bias[i] = LlamaModel.MASKED;
                    positions[i] = 0;
                }
            }
        }
        return create(m, b, width, tokens, positions, bias, lengths, -1, null);
    }

    /**
     * Prompts left-padded to the longest prompt, responses right-padded after them. Every prompt
     * must have at least one token (BOS).
     */
    public static TokenBatch promptResponse(NDManager m, int[][] prompts, int[][] responses) {
        if (prompts.length != responses.length) {
            throw new IllegalArgumentException(prompts.length + " prompts but " + responses.length + " responses");
        }
        int b = prompts.length;
        int promptWidth = maxLength(prompts);
        int responseWidth = maxLength(responses);
        int width = promptWidth + responseWidth;
        long[] tokens = new long[b * width];
        long[] positions = new long[b * width];
        float[] bias = new float[b * width];
        int[] lengths = new int[b];
        int[] responseLengths = new int[b];
        for (int r = 0; r < b; r++) {
            if (prompts[r].length == 0) {
                throw new IllegalArgumentException("prompt " + r + " is empty: it needs at least BOS");
            }
            int pad = promptWidth - prompts[r].length;
            lengths[r] = prompts[r].length + responses[r].length;
            responseLengths[r] = responses[r].length;
            for (int c = 0; c < width; c++) {
                int i = r * width + c;
                int responseIndex = c - promptWidth;
                if (c < pad) {
                    bias[i] = LlamaModel.MASKED;
                } else if (c < promptWidth) {
                    tokens[i] = prompts[r][c - pad];
                    positions[i] = c - pad;
                } else if (responseIndex < responses[r].length) {
                    tokens[i] = responses[r][responseIndex];
                    positions[i] = prompts[r].length + responseIndex;
                } else {
                    bias[i] = LlamaModel.MASKED;
                }
            }
        }
        return create(m, b, width, tokens, positions, bias, lengths, promptWidth, responseLengths);
    }

    /** Batch size B. */
    public int size() {
        return lengths.length;
    }

    /** Width T of the padded batch. */
    public long width() {
        return tokens.getShape().get(1);
    }

    /** Longest response (prompt/response layout). */
    public int maxResponseLength() {
        int max = 0;
        for (int n : responseLengths) {
            max = Math.max(max, n);
        }
        return max;
    }

    /** (B, R) float mask of real response tokens, R = {@link #maxResponseLength()}. */
    public NDArray responseMask(NDManager m) {
        int r = maxResponseLength();
        float[] mask = new float[size() * r];
        for (int row = 0; row < size(); row++) {
            for (int i = 0; i < responseLengths[row]; i++) {
                mask[row * r + i] = 1f;
            }
        }
        return m.create(mask, new Shape(size(), r));
    }

    private static TokenBatch create(NDManager m, int b, int width, long[] tokens, long[] positions,
            float[] bias, int[] lengths, int responseStart, int[] responseLengths) {
        Shape shape = new Shape(b, width);
        return new TokenBatch(m.create(tokens, shape), m.create(positions, shape), m.create(bias, shape),
                lengths, responseStart, responseLengths);
    }

    private static int maxLength(int[][] sequences) {
        int max = 0;
        for (int[] s : sequences) {
            max = Math.max(max, s.length);
        }
        return max;
    }
}
