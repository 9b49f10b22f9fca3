package dev.feedloop.ml;

import ai.djl.ndarray.NDManager;
import dev.feedloop.ml.checkpoint.Llama2cCheckpoint;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;

/** The bundled real pre-trained model and its tokenizer, for tests. */
public final class Stories260K {
    private Stories260K() {}

    public static LlamaModel model(NDManager manager) {
        return Llama2cCheckpoint.load(TestData.path("models/stories260K/stories260K.bin"), manager);
    }

    public static Llama2cTokenizer tokenizer() {
        return Llama2cTokenizer.load(TestData.path("models/stories260K/tok512.bin"));
    }
}
