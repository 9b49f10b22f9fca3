package dev.feedloop.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of every layer for the positions seen so far, so that a decoding step runs the
 * model on the new token only. Owns its arrays through its own manager; close it after generation.
 *
 * <p>Per layer: k, v (B, KV, S, D) where S is {@link #length()}.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    public KvCache(NDManager parent, int numLayers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[numLayers];
        this.values = new NDArray[numLayers];
    }

    /** Number of cached positions S. */
    public int length() {
        return length;
    }

    /**
     * Appends this step's keys and values (B, KV, T, D) for one layer and returns the whole span
     * (B, KV, S+T, D). The new span is owned by the cache; the previous one is freed.
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        NDArray allK = keys[layer] == null ? k : keys[layer].concat(k, 2); // (B, KV, S+T, D)
        NDArray allV = values[layer] == null ? v : values[layer].concat(v, 2);
        allK.attach(manager);
        allV.attach(manager);
        if (keys[layer] != null) {
            keys[layer].close();
            values[layer].close();
        }
        keys[layer] = allK;
        values[layer] = allV;
        return new NDArray[] {allK, allV};
    }

    /** Called by the model after all layers appended T new positions. */
    void advance(int newPositions) {
        length += newPositions;
    }

    @Override
    public void close() {
        manager.close();
    }
}
