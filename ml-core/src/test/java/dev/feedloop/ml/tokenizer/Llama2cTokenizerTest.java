package dev.feedloop.ml.tokenizer;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.feedloop.ml.TestData;

class Llama2cTokenizerTest {

    private static Path file;
    private static Llama2cTokenizer tokenizer;

    @BeforeAll
    static void load() {
        file = TestData.path("models/stories260K/tok512.bin");
        tokenizer = Llama2cTokenizer.load(file);
    }

    @Test
    void readsTheVocabularyAndHashOfTok512() {
        assertEquals(512, tokenizer.vocabSize());
        assertEquals(1, tokenizer.bosId());
        assertEquals(2, tokenizer.eosId());
        assertEquals("<0x0A>", tokenizer.piece(13));
        assertEquals(" t", tokenizer.piece(259));
        assertEquals(-1.0f, tokenizer.score(260));
        assertEquals(13, tokenizer.byteTokenId(0x0A));
        assertEquals("037cb335abb25d1fa9e8ecae30ed2a3a8ace9302862ebcdc05d51a6bbb10c312", tokenizer.sha256());
    }

    @Test
    void decodesKnownIdsSkippingSpecialsAndTheDummyPrefix() {
        // 403 " Once", 407 " upon", 261 " a", 378 " time", 13 <0x0A>
        assertEquals("Once upon a time", tokenizer.decode(new int[] {1, 403, 407, 261, 378, 2}));
        assertEquals("Once upon a time\n", tokenizer.decode(new int[] {403, 407, 0, 261, 378, 13}));
        // after BOS in the middle the dummy prefix goes again, as in llama2.c
        assertEquals("Once upon\nOnce", tokenizer.decode(new int[] {403, 407, 13, 1, 403}));
        // a continuation keeps its leading space
        assertEquals(" a time", tokenizer.decodeContinuation(new int[] {261, 378}));
        // a byte token at the start is a real character, not the dummy prefix
        assertEquals(" x", tokenizer.decode(new int[] {tokenizer.byteTokenId(' '), tokenizer.pieceId("x")}));
    }

    @Test
    void encodesOnceUponATimeAsLlama2cDoes() {
        // worked out with llama2.c's encode() on tok512: " Once" " upon" " a" " time"
        assertArrayEquals(new int[] {403, 407, 261, 378}, tokenizer.encode("Once upon a time"));
        assertArrayEquals(new int[] {403, 407, 261, 378},
                ReferenceEncoder.read(file).encode("Once upon a time"));
        assertArrayEquals(new int[0], tokenizer.encode(""));
    }

    @Test
    void fallsBackToUtf8BytesForNonLatinTextAndEmoji() {
        String text = "héllo 世界 🙂";
        int[] ids = tokenizer.encode(text);
        // 'é' is a piece of tok512; 世 界 🙂 are not, so their UTF-8 bytes appear as <0xNN> tokens
        assertArrayEquals(new int[] {270, 485, 306, 414, 410, 231, 187, 153, 234, 152, 143, 410, 243, 162, 156, 133}, ids);
        assertEquals(text, tokenizer.decode(ids));
        byte[] emoji = "🙂".getBytes(StandardCharsets.UTF_8);
        int[] emojiIds = Arrays.copyOfRange(ids, ids.length - 4, ids.length);
        for (int i = 0; i < 4; i++) {
            assertEquals(tokenizer.byteTokenId(emoji[i] & 0xFF), emojiIds[i]);
        }
        assertEquals("🙂", tokenizer.decodeContinuation(emojiIds));
    }

    @Test
    void matchesAStraightforwardLlama2cReferenceOnRealText() {
        ReferenceEncoder reference = ReferenceEncoder.read(file);
        int compared = 0;
        for (String text : TestData.hhTranscripts(200)) {
            if (text.length() > 700) {
                continue; // the reference is O(n²) per merge: keep it to short lines
            }
            assertArrayEquals(reference.encode(text), tokenizer.encode(text), text);
            compared++;
        }
        assertTrue(compared > 100, "compared only " + compared + " lines");
    }

    @Test
    void roundTripsRealPreferenceTranscriptsExactly() {
        List<String> texts = TestData.hhTranscripts(Integer.MAX_VALUE);
        assertTrue(texts.size() > 4000);
        boolean sawNonAscii = false;
        long tokens = 0;
        for (String text : texts) {
            int[] ids = tokenizer.encode(text);
            for (int id : ids) {
                assertTrue(id >= 0 && id < 512, "id " + id);
            }
            assertEquals(text, tokenizer.decode(ids));
            int[] withBos = new int[ids.length + 1];
            withBos[0] = tokenizer.bosId();
            System.arraycopy(ids, 0, withBos, 1, ids.length);
            assertEquals(text, tokenizer.decode(withBos));
            sawNonAscii |= text.chars().anyMatch(c -> c > 127);
            tokens += ids.length;
        }
        assertTrue(sawNonAscii, "the data set has emoji and Japanese text: the round trip must cover them");
        assertTrue(tokens < texts.stream().mapToLong(String::length).sum(), "merges must shorten the text");
    }

    @Test
    void decodeOfAPrefixPlusContinuationEqualsDecodeOfTheWhole() {
        String text = "\n\nHuman: What is 2+2?\n\nAssistant: It is 4 – I think 🙂";
        int[] ids = tokenizer.encode(text);
        for (int split = 1; split <= ids.length; split++) { // a non-empty head: b continues a
            String head = tokenizer.decode(Arrays.copyOfRange(ids, 0, split));
            String tail = tokenizer.decodeContinuation(Arrays.copyOfRange(ids, split, ids.length));
            if (!head.contains("\uFFFD") && !tail.contains("\uFFFD")) { // not inside the emoji's bytes
                assertEquals(text, head + tail, "split at " + split);
            }
        }
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tokenizer.decode(new int[] {5, 512}));
        assertTrue(e.getMessage().contains("512"), e.getMessage());
    }

    @Test
    void rejectsATruncatedFileNamingIt(@TempDir Path dir) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Path broken = dir.resolve("tok512.bin");
        Files.write(broken, Arrays.copyOf(bytes, bytes.length - 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Llama2cTokenizer.load(broken));
        assertTrue(e.getMessage().contains(broken.toString()), e.getMessage());
    }

    /** llama2.c's encode() written out as plainly as in run.c: rescans every pair after every merge. */
    static final class ReferenceEncoder {
        final List<String> vocab = new ArrayList<>();
        final List<Float> scores = new ArrayList<>();
        final Map<String, Integer> lookup = new HashMap<>();

        static ReferenceEncoder read(Path file) {
            try {
                ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
                ReferenceEncoder r = new ReferenceEncoder();
                in.getInt();
                while (in.hasRemaining()) {
                    float score = in.getFloat();
                    byte[] piece = new byte[in.getInt()];
                    in.get(piece);
                    r.lookup.putIfAbsent(new String(piece, StandardCharsets.UTF_8), r.vocab.size());
                    r.vocab.add(new String(piece, StandardCharsets.UTF_8));
                    r.scores.add(score);
                }
                return r;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        int[] encode(String text) {
            List<Integer> tokens = new ArrayList<>();
            if (!text.isEmpty()) {
                tokens.add(lookup.get(" "));
            }
            text.codePoints().forEach(cp -> {
                String c = new String(Character.toChars(cp));
                Integer id = lookup.get(c);
                if (id != null) {
                    tokens.add(id);
                } else {
                    for (byte b : c.getBytes(StandardCharsets.UTF_8)) {
                        tokens.add((b & 0xFF) + 3);
                    }
                }
            });
            while (true) {
                float best = -1e10f;
                int bestId = -1;
                int bestIndex = -1;
                for (int i = 0; i + 1 < tokens.size(); i++) {
                    Integer id = lookup.get(vocab.get(tokens.get(i)) + vocab.get(tokens.get(i + 1)));
                    if (id != null && scores.get(id) > best) {
                        best = scores.get(id);
                        bestId = id;
                        bestIndex = i;
                    }
                }
                if (bestIndex < 0) {
                    break;
                }
                tokens.set(bestIndex, bestId);
                tokens.remove(bestIndex + 1);
            }
            return tokens.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
