package dev.feedloop.ml.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.feedloop.ml.model.LlamaConfig;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.model.Weights;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;

/**
 * Reads a llama2.c "legacy" checkpoint: seven little-endian int32 header fields (dim, hidden_dim,
 * n_layers, n_heads, n_kv_heads, vocab_size — negative when the output head is separate —,
 * seq_len), then float32 weights in llama2.c order. The trailing rotary tables are skipped: the
 * model recomputes them.
 */
public final class Llama2cCheckpoint {
    private static final int HEADER_BYTES = 7 * Integer.BYTES;

    private Llama2cCheckpoint() {}

    /** The configuration in the file's header. */
    public static LlamaConfig readConfig(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < HEADER_BYTES) {
                throw new IllegalArgumentException(file + ": " + ch.size()
                        + " bytes is too short for a llama2.c header of " + HEADER_BYTES + " bytes");
            }
            MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_BYTES);
            buf.order(ByteOrder.LITTLE_ENDIAN);
            int dim = buf.getInt();
            int hidden = buf.getInt();
            int layers = buf.getInt();
            int heads = buf.getInt();
            int kvHeads = buf.getInt();
            int vocab = buf.getInt();
            int seqLen = buf.getInt();
            return new LlamaConfig(dim, hidden, layers, heads, kvHeads, Math.abs(vocab), seqLen,
                    vocab > 0, 10000.0, 1e-5);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read llama2.c checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Loads the model into a new manager under {@code parent}; the weights are copied, so they can be trained. */
    public static LlamaModel load(Path file, NDManager parent) {
        LlamaConfig c = readConfig(file);
        NDManager manager = parent.newSubManager();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long kvDim = (long) c.numKeyValueHeads() * c.headSize();
            long needed = HEADER_BYTES + 4L * (c.parameterCount());
            if (ch.size() < needed) {
                throw new IllegalArgumentException(file + ": " + ch.size() + " bytes, but the header ("
                        + c + ") needs at least " + needed);
            }
            FloatBuffer floats = ch.map(FileChannel.MapMode.READ_ONLY, HEADER_BYTES, ch.size() - HEADER_BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            LinkedHashMap<String, NDArray> w = new LinkedHashMap<>();
            int layers = c.numLayers();
            int dim = c.dim();
            NDArray emb = read(floats, manager, new Shape(c.vocabSize(), dim));
            w.put(Weights.TOKEN_EMBEDDINGS, emb);
            // llama2.c stores each kind of weight for all layers together.
            readLayers(floats, manager, w, "rms_att", layers, new Shape(dim));
            readLayers(floats, manager, w, "wq", layers, new Shape(dim, dim));
            readLayers(floats, manager, w, "wk", layers, new Shape(kvDim, dim));
            readLayers(floats, manager, w, "wv", layers, new Shape(kvDim, dim));
            readLayers(floats, manager, w, "wo", layers, new Shape(dim, dim));
            readLayers(floats, manager, w, "rms_ffn", layers, new Shape(dim));
            readLayers(floats, manager, w, "w1", layers, new Shape(c.hiddenDim(), dim));
            readLayers(floats, manager, w, "w2", layers, new Shape(dim, c.hiddenDim()));
            readLayers(floats, manager, w, "w3", layers, new Shape(c.hiddenDim(), dim));
            w.put(Weights.RMS_FINAL, read(floats, manager, new Shape(dim)));
            // skip freq_cis_real and freq_cis_imag: (seq_len, D/2) each
            floats.position(floats.position() + 2 * c.contextLength() * (c.headSize() / 2));
            if (!c.sharedOutputHead()) {
                w.put(Weights.OUTPUT, read(floats, manager, new Shape(c.vocabSize(), dim)));
            }
            return new LlamaModel(c, manager, reorder(w, c));
        } catch (IOException e) {
            manager.close();
            throw new IllegalArgumentException("cannot read llama2.c checkpoint " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static void readLayers(FloatBuffer floats, NDManager m, LinkedHashMap<String, NDArray> w,
            String name, int layers, Shape shape) {
        for (int l = 0; l < layers; l++) {
            w.put(Weights.layer(l, name), read(floats, m, shape));
        }
    }

    private static NDArray read(FloatBuffer floats, NDManager m, Shape shape) {
        float[] data = new float[(int) shape.size()];
        floats.get(data);
        return m.create(data, shape);
    }

    /** Puts weights in the model's canonical order (layer by layer) so checkpoints are written alike. */
    private static LinkedHashMap<String, NDArray> reorder(LinkedHashMap<String, NDArray> w, LlamaConfig c) {
        LinkedHashMap<String, NDArray> ordered = new LinkedHashMap<>();
        for (String name : LlamaModel.expectedShapes(c).keySet()) {
            ordered.put(name, w.get(name));
        }
        return ordered;
    }
}
