package dev.feedloop.ml.checkpoint;

import java.util.LinkedHashMap;

import ai.djl.ndarray.NDArray;
import dev.feedloop.ml.model.LlamaConfig;
import dev.feedloop.ml.tokenizer.Tokenizer;

/**
 * A verified Feedloop checkpoint in memory.
 *
 * @param config    hyperparameters
 * @param weights   {@link WeightNames} → writable float32 copies on the manager given to
 *                  {@link CheckpointStore#load} (the optional heads included when present)
 * @param tokenizer the checkpoint's own tokenizer copy, checked against the manifest; a
 *                  {@code HuggingFaceTokenizer} holds a native handle: close it when done
 * @param manifest  the manifest the files were checked against
 */
public record LoadedCheckpoint(
        LlamaConfig config,
        LinkedHashMap<String, NDArray> weights,
        Tokenizer tokenizer,
        CheckpointManifest manifest) {
}
