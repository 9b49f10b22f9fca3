package dev.feedloop.ml.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.feedloop.ml.TestData;

class SafetensorsFileTest {

    private static final Path GPT2 = TestData.path("models/fake_gpt2_random/model.safetensors");

    @Test
    void writeThenReadIsBitExact(@TempDir Path dir) throws IOException {
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NaN, 1e-40f, 3.1415927f, -1f, 0.1f, 65504f};
        float[] random = new float[7 * 5];
        Random rng = new Random(7);
        for (int i = 0; i < random.length; i++) {
            random[i] = (float) rng.nextGaussian();
        }
        Path file = dir.resolve("round.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            LinkedHashMap<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.put("special", manager.create(special, new Shape(3, 4)));
            tensors.put("random", manager.create(random, new Shape(7, 5)));
            tensors.put("scalar", manager.create(2.5f));
            tensors.put("bias", manager.create(new float[] {4f}, new Shape(1)));
            tensors.put("transposed", manager.create(random, new Shape(7, 5)).transpose());
            SafetensorsWriter.write(file, tensors, Map.of("format", "pt", "policy_version", "3"));
            byte[] first = Files.readAllBytes(file);
            SafetensorsWriter.write(file, tensors, Map.of("format", "pt", "policy_version", "3"));
            assertArrayEquals(first, Files.readAllBytes(file), "the same tensors must give the same bytes");
            long headerLength = ByteBuffer.wrap(first, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, (8 + headerLength) % 8, "data must start 8-byte aligned");

            try (SafetensorsFile read = SafetensorsFile.open(file)) {
                assertEquals(List.of("special", "random", "scalar", "bias", "transposed"), List.copyOf(read.names()));
                assertEquals(Map.of("format", "pt", "policy_version", "3"), read.metadata());
                assertBitsEqual(special, read.tensor("special", manager));
                assertBitsEqual(special, read.tensorCopy("special", manager));
                assertEquals(new Shape(3, 4), read.tensor("special", manager).getShape());
                assertBitsEqual(random, read.tensor("random", manager));
                assertEquals(new Shape(), read.tensor("scalar", manager).getShape());
                assertEquals(2.5f, read.tensor("scalar", manager).getFloat());
                assertBitsEqual(new float[] {4f}, read.tensor("bias", manager));
                NDArray transposed = read.tensor("transposed", manager);
                assertEquals(new Shape(5, 7), transposed.getShape());
                assertEquals(random[1 * 5 + 0], transposed.getFloat(0, 1)); // (0, 1) of the transpose is (1, 0)
            }
        }
    }

    @Test
    void readsTheFakeGpt2HeaderAndTensors() throws IOException {
        byte[] raw = Files.readAllBytes(GPT2);
        try (NDManager manager = NDManager.newBaseManager(); SafetensorsFile file = SafetensorsFile.open(GPT2)) {
            assertEquals(16, file.names().size());
            assertEquals(Map.of("format", "pt"), file.metadata());
            assertEquals(new Shape(50257, 2), file.info("transformer.wte.weight").shape());
            assertEquals(new Shape(1024, 2), file.info("transformer.wpe.weight").shape());
            assertEquals(new Shape(2, 6), file.info("transformer.h.0.attn.c_attn.weight").shape());
            assertEquals(SafetensorsFile.Dtype.F32, file.info("transformer.ln_f.weight").dtype());

            // values equal the raw bytes at 8 + header + data_offsets, read here independently
            long header = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            SafetensorsFile.TensorInfo info = file.info("transformer.h.0.attn.c_attn.weight"); // [24, 72)
            assertEquals(24, info.begin());
            float[] expected = new float[12];
            ByteBuffer.wrap(raw, (int) (8 + header + 24), 48).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(expected);
            NDArray attn = file.tensor("transformer.h.0.attn.c_attn.weight", manager);
            assertEquals(DataType.FLOAT32, attn.getDataType());
            assertBitsEqual(expected, attn);

            NDArray wte = file.tensor("transformer.wte.weight", manager);
            float[] lastRow = new float[2];
            ByteBuffer.wrap(raw, raw.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(lastRow);
            assertBitsEqual(lastRow, wte.get(50256));
        }
    }

    @Test
    void aCopyIsWritableAndLeavesTheFileAlone() throws IOException {
        byte[] before = Files.readAllBytes(GPT2);
        try (NDManager manager = NDManager.newBaseManager(); SafetensorsFile file = SafetensorsFile.open(GPT2)) {
            NDArray copy = file.tensorCopy("transformer.ln_f.weight", manager);
            float[] original = copy.toFloatArray();
            copy.addi(manager.ones(copy.getShape())); // in place: what an optimiser does
            assertEquals(original[0] + 1f, copy.getFloat(0));
            assertBitsEqual(original, file.tensor("transformer.ln_f.weight", manager));
        }
        assertArrayEquals(before, Files.readAllBytes(GPT2));
    }

    @Test
    void widensF16AndBf16ToFloat32(@TempDir Path dir) throws IOException {
        // F16: 1, -2, 65504 (max), 2^-24 (smallest subnormal), +inf, -0; BF16: 1, -2.5, 3.140625
        short[] f16 = {0x3C00, (short) 0xC000, 0x7BFF, 0x0001, 0x7C00, (short) 0x8000};
        short[] bf16 = {0x3F80, (short) 0xC020, 0x4049};
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[12,18]}}";
        ByteBuffer data = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : f16) {
            data.putShort(s);
        }
        for (short s : bf16) {
            data.putShort(s);
        }
        Path file = writeRaw(dir.resolve("half.safetensors"), header, data.array());
        try (NDManager manager = NDManager.newBaseManager(); SafetensorsFile read = SafetensorsFile.open(file)) {
            NDArray h = read.tensor("h", manager);
            assertEquals(DataType.FLOAT32, h.getDataType());
            assertEquals(new Shape(2, 3), h.getShape());
            assertBitsEqual(new float[] {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, -0f}, h);
            assertBitsEqual(new float[] {1f, -2.5f, 3.140625f}, read.tensorCopy("b", manager));
        }
        // every half value converts as a float16 → float32 widening must (checked against a reference rule)
        for (int bits = 0; bits < 0x10000; bits++) {
            float value = SafetensorsFile.f16ToFloat((short) bits);
            int exponent = (bits >>> 10) & 0x1F;
            int mantissa = bits & 0x3FF;
            double expected = exponent == 0 ? mantissa * Math.pow(2, -24)
                    : exponent == 31 ? (mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                    : (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            if ((bits & 0x8000) != 0) {
                expected = -expected;
            }
            assertEquals((float) expected, value, "half bits " + Integer.toHexString(bits));
        }
    }

    @Test
    void aTruncatedFileNamesTheFileAndTheTensor(@TempDir Path dir) throws IOException {
        byte[] raw = Files.readAllBytes(GPT2);
        Path cut = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(raw, raw.length - 100));
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(cut));
        assertMentions(e, "cut.safetensors", "transformer.wte.weight");

        Path stub = Files.write(dir.resolve("stub.safetensors"), new byte[] {1, 2, 3});
        e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(stub));
        assertMentions(e, "stub.safetensors", "truncated");

        Path headerOnly = Files.write(dir.resolve("header-only.safetensors"), Arrays.copyOf(raw, 500));
        e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(headerOnly));
        assertMentions(e, "header-only.safetensors", "header length 1392");
    }

    @Test
    void aCorruptedHeaderNamesTheFileAndTheTensor(@TempDir Path dir) throws IOException {
        String raw = new String(Files.readAllBytes(GPT2), StandardCharsets.ISO_8859_1); // byte-preserving
        // same length, so offsets stay put: c_attn.weight now claims [2, 7] but holds 2 × 6 floats
        String badShape = raw.replace("\"shape\":[2,6],\"data_offsets\":[24,72]", "\"shape\":[2,7],\"data_offsets\":[24,72]");
        assertTrue(!badShape.equals(raw), "the fixture's header layout changed");
        Path shapeFile = Files.write(dir.resolve("shape.safetensors"), badShape.getBytes(StandardCharsets.ISO_8859_1));
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(shapeFile));
        assertMentions(e, "shape.safetensors", "transformer.h.0.attn.c_attn.weight", "48 bytes", "56");

        String badOffsets = raw.replace("\"data_offsets\":[72,80]", "\"data_offsets\":[72,-8]");
        Path offsetFile = Files.write(dir.resolve("offsets.safetensors"), badOffsets.getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(offsetFile));
        assertMentions(e, "offsets.safetensors", "transformer.h.0.attn.c_proj.bias");

        String badDtype = raw.replace("\"dtype\":\"F32\",\"shape\":[6]", "\"dtype\":\"Q32\",\"shape\":[6]");
        Path dtypeFile = Files.write(dir.resolve("dtype.safetensors"), badDtype.getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(dtypeFile));
        assertMentions(e, "dtype.safetensors", "transformer.h.0.attn.c_attn.bias", "Q32");

        Path notJson = writeRaw(dir.resolve("json.safetensors"), "{\"a\": [1, 2", new byte[0]);
        e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(notJson));
        assertMentions(e, "json.safetensors", "JSON");
    }

    @Test
    void anUnknownTensorNameNamesTheFileAndTheTensor() {
        try (NDManager manager = NDManager.newBaseManager(); SafetensorsFile file = SafetensorsFile.open(GPT2)) {
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> file.tensor("model.embed_tokens.weight", manager));
            assertMentions(e, GPT2.toString(), "model.embed_tokens.weight");
        }
    }

    static Path writeRaw(Path file, String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json).put(data);
        return Files.write(file, out.array());
    }

    static void assertBitsEqual(float[] expected, NDArray actual) {
        float[] values = actual.toFloatArray();
        assertEquals(expected.length, values.length);
        for (int i = 0; i < values.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(values[i]),
                    "element " + i + ": " + expected[i] + " vs " + values[i]);
        }
    }

    static void assertMentions(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks '" + part + "': " + e.getMessage());
        }
    }
}
