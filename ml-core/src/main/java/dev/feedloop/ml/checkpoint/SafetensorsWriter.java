package dev.feedloop.ml.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Writes float32 tensors as a {@code .safetensors} file that {@link SafetensorsFile} and the
 * Python {@code safetensors} library read.
 *
 * <p>Deterministic: the same tensors and metadata give the same bytes ({@code __metadata__} first,
 * then the tensors in the map's order, data laid out in that order, compact JSON). The header is
 * padded with spaces to a multiple of 8 so every tensor starts 8-byte aligned, as the format
 * recommends. The file is written beside the target and renamed over it, so a reader (or a live
 * memory mapping of the old file) never sees a half-written one.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {
    }

    /**
     * Writes {@code tensors} (all FLOAT32) and {@code metadata} to {@code file}, replacing it.
     *
     * @throws IllegalArgumentException naming the tensor when one is not float32 or is named
     *                                  {@code __metadata__}
     * @throws CheckpointException      naming the file when it cannot be written
     */
    public static void write(Path file, LinkedHashMap<String, NDArray> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        Path dir = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
                writeFully(out, length);
                writeFully(out, ByteBuffer.wrap(header));
                for (NDArray array : tensors.values()) {
                    float[] values = array.toFloatArray();
                    ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    data.asFloatBuffer().put(values);
                    writeFully(out, data);
                }
                out.force(true);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            CheckpointException failure =
                    new CheckpointException(file + ": cannot write safetensors file: " + e.getMessage(), e);
            deleteAfterFailure(temp, failure);
            throw failure;
        }
    }

    /** The header JSON, padded with spaces to a multiple of 8 bytes. */
    private static byte[] header(LinkedHashMap<String, NDArray> tensors, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> entry : tensors.entrySet()) {
            String name = entry.getKey();
            NDArray array = entry.getValue();
            if (name.isEmpty() || name.equals("__metadata__")) {
                throw new IllegalArgumentException("tensor name '" + name + "' is not allowed in safetensors");
            }
            if (array.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("tensor '" + name + "' is " + array.getDataType()
                        + "; SafetensorsWriter writes FLOAT32 only");
            }
            long bytes = array.getShape().size() * 4;
            ObjectNode node = root.putObject(name);
            node.put("dtype", "F32");
            ArrayNode shape = node.putArray("shape");
            for (long dim : array.getShape().getShape()) {
                shape.add(dim);
            }
            node.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private static void deleteAfterFailure(Path temp, CheckpointException failure) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
