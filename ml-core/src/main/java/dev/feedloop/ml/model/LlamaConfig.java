package dev.feedloop.ml.model;

/**
 * Hyperparameters of a Llama-family decoder. The constructor rejects impossible combinations with
 * both numbers in the message.
 *
 * @param dim               model width C
 * @param hiddenDim         SwiGLU hidden width
 * @param numLayers         number of transformer blocks
 * @param numHeads          query heads H
 * @param numKeyValueHeads  key/value heads (grouped-query attention: divides numHeads)
 * @param vocabSize         V
 * @param contextLength     maximum positions (prompt + response)
 * @param sharedOutputHead  true when the output projection is the token embedding (weight tying)
 * @param ropeTheta         rotary base (10000 for llama2)
 * @param normEps           RMSNorm epsilon (1e-5 for llama2.c)
 */
public record LlamaConfig(
        int dim,
        int hiddenDim,
        int numLayers,
        int numHeads,
        int numKeyValueHeads,
        int vocabSize,
        int contextLength,
        boolean sharedOutputHead,
        double ropeTheta,
        double normEps) {

    public LlamaConfig {
        positive("dim", dim);
        positive("hiddenDim", hiddenDim);
        positive("numLayers", numLayers);
        positive("numHeads", numHeads);
        positive("numKeyValueHeads", numKeyValueHeads);
        positive("vocabSize", vocabSize);
        positive("contextLength", contextLength);
        if (dim % numHeads != 0) {
            throw new IllegalArgumentException(
                    "dim " + dim + " is not divisible by " + numHeads + " heads");
        }
        if (numHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException(
                    numHeads + " heads are not divisible by " + numKeyValueHeads + " key/value heads");
        }
        if ((dim / numHeads) % 2 != 0) {
            throw new IllegalArgumentException(
                    "head size " + (dim / numHeads) + " (dim " + dim + " / " + numHeads
                            + " heads) must be even for rotary embeddings");
        }
        if (!(ropeTheta > 0)) {
            throw new IllegalArgumentException("ropeTheta " + ropeTheta + " must be > 0");
        }
        if (!(normEps > 0)) {
            throw new IllegalArgumentException("normEps " + normEps + " must be > 0");
        }
    }

    /** Head size D = dim / numHeads. */
    public int headSize() {
        return dim / numHeads;
    }

    /** Query heads per key/value head. */
    public int groupSize() {
        return numHeads / numKeyValueHeads;
    }

    /** Number of trunk + head parameters (without the optional value/reward heads). */
    public long parameterCount() {
        long kvDim = (long) numKeyValueHeads * headSize();
        long perLayer = 2L * dim                       // rms_att, rms_ffn
                + (long) dim * dim * 2                 // wq, wo
                + kvDim * dim * 2                      // wk, wv
                + 3L * dim * hiddenDim;                // w1, w2, w3
        long total = (long) vocabSize * dim + numLayers * perLayer + dim;
        if (!sharedOutputHead) {
            total += (long) vocabSize * dim;
        }
        return total;
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " " + value + " must be > 0");
        }
    }
}
