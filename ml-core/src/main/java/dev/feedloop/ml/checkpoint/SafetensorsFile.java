package dev.feedloop.ml.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A {@code .safetensors} file opened for reading: an 8-byte little-endian header length, a JSON
 * header ({@code name → {dtype, shape, data_offsets}} and an optional {@code __metadata__} of
 * strings), then the data region the offsets point into.
 *
 * <p>{@link #open} validates every tensor before any is read: a known dtype, offsets inside the
 * data region, and a byte count equal to dtype size × number of elements. Tensors are memory-mapped
 * ({@code READ_ONLY}, one mapping per tensor so files above 2 GiB work), never read whole.
 *
 * <p>Two ways to get a tensor, both float32:
 * <ul>
 *   <li>{@link #tensor}: for F32, a <em>zero-copy view</em> of the read-only mapping (DJL's
 *       {@code create(directByteBuffer, …)} is torch's {@code from_blob}). Never modify it in place:
 *       a write to a read-only mapping kills the JVM. F16 and BF16 are widened into a fresh buffer,
 *       which is writable, but do not rely on that. For inference.</li>
 *   <li>{@link #tensorCopy}: always a fresh, writable array in memory of its own. For training.</li>
 * </ul>
 * BF16 is widened in Java because any BF16 tensor in libtorch-via-DJL terminates the JVM.
 * A view stays valid after {@link #close} and after the file is replaced by rename, but not if the
 * file is truncated in place (SIGBUS): write safetensors files by rename, as {@link SafetensorsWriter} does.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** The dtypes of the safetensors format with their element sizes. */
    public enum Dtype {
        F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U64(8), U32(4), U16(2), U8(1), BOOL(1),
        F8_E4M3(1), F8_E5M2(1);

        /** Bytes per element. */
        public final int size;

        Dtype(int size) {
            this.size = size;
        }
    }

    /**
     * One tensor's header entry.
     *
     * @param name  tensor name
     * @param dtype element type as stored
     * @param shape shape as stored
     * @param begin first byte in the data region
     * @param end   one past the last byte in the data region
     */
    public record TensorInfo(String name, Dtype dtype, Shape shape, long begin, long end) {
        /** Bytes the tensor occupies. */
        public long byteSize() {
            return end - begin;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METADATA = "__metadata__";

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path file, FileChannel channel, long dataStart,
            Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Opens and validates {@code file}.
     *
     * @throws CheckpointException naming the file (and the tensor) when the header or a tensor's
     *                             extent is invalid or the file is truncated
     */
    public static SafetensorsFile open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot open safetensors file: " + e.getMessage(), e);
        }
        try {
            return read(file, channel);
        } catch (RuntimeException e) {
            closeQuietlyAfterFailure(channel, e);
            throw e;
        }
    }

    private static SafetensorsFile read(Path file, FileChannel channel) {
        try {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw CheckpointException.inFile(file, "truncated: " + fileSize
                        + " bytes, shorter than the 8-byte header length that starts a safetensors file");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength < 2 || headerLength > fileSize - 8) {
                throw CheckpointException.inFile(file, "header length " + headerLength
                        + " reaches beyond the file of " + fileSize + " bytes (truncated or not a safetensors file)");
            }
            if (headerLength > Integer.MAX_VALUE - 8) {
                throw CheckpointException.inFile(file, "header length " + headerLength + " is implausibly large");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8);
            JsonNode header;
            try {
                header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw new CheckpointException(file + ": header is not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (header == null || !header.isObject()) {
                throw CheckpointException.inFile(file, "header is not a JSON object");
            }
            long dataStart = 8 + headerLength;
            long dataLength = fileSize - dataStart;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (entry.getKey().equals(METADATA)) {
                    readMetadata(file, entry.getValue(), metadata);
                } else {
                    tensors.put(entry.getKey(), parseTensor(file, entry.getKey(), entry.getValue(), dataLength));
                }
            }
            return new SafetensorsFile(file, channel, dataStart,
                    Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static TensorInfo parseTensor(Path file, String name, JsonNode entry, long dataLength) {
        Dtype dtype;
        try {
            dtype = Dtype.valueOf(entry.path("dtype").asText(""));
        } catch (IllegalArgumentException e) {
            throw CheckpointException.inTensor(file, name, "unknown dtype " + entry.path("dtype"));
        }
        JsonNode shapeNode = entry.path("shape");
        if (!shapeNode.isArray()) {
            throw CheckpointException.inTensor(file, name, "shape " + shapeNode + " is not an array");
        }
        long[] dims = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < dims.length; i++) {
            JsonNode dim = shapeNode.get(i);
            if (!dim.canConvertToLong() || !dim.isIntegralNumber() || dim.asLong() < 0) {
                throw CheckpointException.inTensor(file, name, "shape " + shapeNode + " has an invalid dimension");
            }
            dims[i] = dim.asLong();
            elements = Math.multiplyExact(elements, dims[i]);
        }
        JsonNode offsets = entry.path("data_offsets");
        if (!offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
            throw CheckpointException.inTensor(file, name, "data_offsets " + offsets + " is not [begin, end]");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLength) {
            throw CheckpointException.inTensor(file, name, "data_offsets [" + begin + ", " + end
                    + "] lie outside the data region of " + dataLength + " bytes (truncated file?)");
        }
        long expected = Math.multiplyExact(elements, dtype.size);
        if (end - begin != expected) {
            throw CheckpointException.inTensor(file, name, "holds " + (end - begin) + " bytes but "
                    + dtype + " × " + shapeNode + " needs " + expected);
        }
        return new TensorInfo(name, dtype, new Shape(dims), begin, end);
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> into) {
        if (!node.isObject()) {
            throw CheckpointException.inFile(file, METADATA + " is not a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw CheckpointException.inFile(file, METADATA + " value of '" + e.getKey() + "' is not a string");
            }
            into.put(e.getKey(), e.getValue().asText());
        }
    }

    /** Tensor names in header order. */
    public Set<String> names() {
        return tensors.keySet();
    }

    /** True when the file holds {@code name}. */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** Header entry of {@code name}. @throws CheckpointException naming file and tensor when absent */
    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw CheckpointException.inTensor(file, name, "no such tensor (the file holds " + tensors.size() + ")");
        }
        return info;
    }

    /** The {@code __metadata__} strings (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /**
     * {@code name} as float32, attached to {@code manager}. For F32 a zero-copy, <b>read-only</b> view
     * of the mapped file (see the class comment); F16/BF16 are widened into a fresh array.
     *
     * @throws CheckpointException naming file and tensor when absent or of a non-float dtype
     */
    public NDArray tensor(String name, NDManager manager) {
        TensorInfo info = info(name);
        if (info.shape().size() == 0) {
            return manager.zeros(info.shape(), DataType.FLOAT32);
        }
        ByteBuffer bytes = map(info);
        switch (info.dtype()) {
            case F32:
                return manager.create(bytes, info.shape(), DataType.FLOAT32);
            case F16:
            case BF16:
                return manager.create(widen(info, bytes), info.shape(), DataType.FLOAT32);
            default:
                throw CheckpointException.inTensor(file, name,
                        "dtype " + info.dtype() + " cannot be read as float32 weights");
        }
    }

    /**
     * {@code name} as a fresh, writable float32 array in memory of its own, attached to
     * {@code manager}: safe to train.
     *
     * @throws CheckpointException naming file and tensor when absent or of a non-float dtype
     */
    public NDArray tensorCopy(String name, NDManager manager) {
        TensorInfo info = info(name);
        if (info.dtype() != Dtype.F32 || info.shape().size() == 0) {
            return tensor(name, manager); // already fresh memory
        }
        ByteBuffer copy = ByteBuffer.allocateDirect(Math.toIntExact(info.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(map(info)).flip();
        return manager.create(copy, info.shape(), DataType.FLOAT32);
    }

    /** The raw little-endian bytes of {@code name}, mapped read-only. */
    public ByteBuffer bytes(String name) {
        return map(info(name));
    }

    private ByteBuffer map(TensorInfo info) {
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.byteSize())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new CheckpointException(file + ": tensor '" + info.name() + "': cannot map: " + e.getMessage(), e);
        }
    }

    private static ByteBuffer widen(TensorInfo info, ByteBuffer halves) {
        int count = Math.toIntExact(info.shape().size());
        ByteBuffer out = ByteBuffer.allocateDirect(Math.multiplyExact(count, 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            short bits = halves.getShort(i * 2);
            out.putFloat(i * 4, info.dtype() == Dtype.BF16 ? bf16ToFloat(bits) : f16ToFloat(bits));
        }
        return out;
    }

    /** BF16 is the upper half of an IEEE float32. */
    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** IEEE 754 binary16 → float32 (exact: every half is a float). Java 17 has no Float.float16ToFloat. */
    static float f16ToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {                       // inf / NaN (payload kept)
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {                      // ±0
                return Float.intBitsToFloat(sign);
            }
            float value = mantissa * 0x1p-24f;        // subnormal: mantissa × 2^-24, exact in float
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13)); // rebias 15 → 127
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    private static void closeQuietlyAfterFailure(FileChannel channel, RuntimeException failure) {
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Closes the file; tensors already returned (views included) stay valid. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + file + ", " + tensors.size() + " tensors]";
    }
}
