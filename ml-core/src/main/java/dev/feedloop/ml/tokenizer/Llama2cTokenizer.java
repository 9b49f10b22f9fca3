package dev.feedloop.ml.tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The llama2.c SentencePiece-style tokenizer read from a {@code tok*.bin} file (e.g. {@code tok512.bin}).
 *
 * <p>File format (little-endian): int32 {@code max_token_length}, then for every token a float32
 * merge score, an int32 byte length and that many bytes. The number of tokens is whatever the file
 * holds. Ids follow llama2.c: 0 {@code <unk>}, 1 BOS, 2 EOS, and the byte tokens {@code <0x00>}…
 * {@code <0xFF>} (in tok512 at ids 3…258).
 *
 * <h2>Encoding</h2>
 * As llama2.c's {@code encode()}: a non-empty text gets the SentencePiece dummy prefix {@code " "};
 * the text is split into Unicode code points; a code point that is a vocabulary piece becomes that
 * token, otherwise its UTF-8 bytes become byte tokens; then the adjacent pair whose concatenated
 * piece has the highest score is merged, the leftmost pair on ties, until no pair is a piece.
 * The merges run off a priority queue (O(n log n)) but pick exactly the pair llama2.c's O(n²) scan
 * picks. Only ordinary pieces are merge targets: the specials and byte tokens are not, as in
 * SentencePiece (llama2.c would also look them up, which no real vocabulary can reach by merging).
 * Java strings are encoded as UTF-8; a lone surrogate, which UTF-8 cannot hold, becomes {@code '?'}.
 *
 * <h2>Decoding and the dummy prefix</h2>
 * BOS, EOS and {@code <unk>} are skipped; byte tokens are collected as raw bytes, so a character
 * split over several byte tokens decodes whole; the bytes are read as UTF-8 (malformed sequences
 * become U+FFFD). A <em>start of text</em> is the start of {@code ids} for {@link #decode} and
 * every position right after a BOS. The first ordinary (non-byte, non-special) piece at a start of
 * text loses one leading space if it has one: that space is the dummy prefix {@link #encode} added,
 * which llama2.c also strips after BOS. Hence {@code decode(encode(x)).equals(x)} for every text
 * without lone surrogates, and {@code decode([BOS] ++ encode(x)) } too.
 * {@link #decodeContinuation} decodes ids that continue an earlier text and strips nothing at its
 * start (only after a BOS), so that {@code decode(a) + decodeContinuation(b) == decode(a ++ b)} for a non-empty {@code a}
 * whenever the split does not fall inside a byte-token character.
 */
public final class Llama2cTokenizer implements Tokenizer {

    /** llama2.c's fixed special ids. */
    public static final int UNK_ID = 0;
    public static final int BOS_ID = 1;
    public static final int EOS_ID = 2;

    private final Path file;
    private final String[] pieces;
    private final byte[][] pieceBytes;
    private final float[] scores;
    /** byteValue (0..255) → token id of {@code <0xNN>}. */
    private final int[] byteTokenIds = new int[256];
    /** token id → byte value for byte tokens, -1 for the others. */
    private final int[] byteValueOf;
    /** Ordinary pieces only (no specials, no byte tokens): what code points and merges may become. */
    private final Map<String, Integer> pieceIds;
    private final String sha256;

    private Llama2cTokenizer(Path file, String[] pieces, byte[][] pieceBytes, float[] scores, String sha256) {
        this.file = file;
        this.pieces = pieces;
        this.pieceBytes = pieceBytes;
        this.scores = scores;
        this.sha256 = sha256;
        this.byteValueOf = new int[pieces.length];
        java.util.Arrays.fill(byteTokenIds, -1);
        java.util.Arrays.fill(byteValueOf, -1);
        this.pieceIds = new HashMap<>(pieces.length * 2);
        for (int id = 0; id < pieces.length; id++) {
            int byteValue = parseByteToken(pieces[id]);
            if (byteValue >= 0) {
                byteValueOf[id] = byteValue;
                byteTokenIds[byteValue] = id;
            } else if (id != UNK_ID && id != BOS_ID && id != EOS_ID) {
                // putIfAbsent: with a duplicated piece the lower id wins, deterministically.
                pieceIds.putIfAbsent(pieces[id], id);
            }
        }
        for (int b = 0; b < 256; b++) {
            if (byteTokenIds[b] < 0) {
                throw new IllegalArgumentException(String.format(
                        "tokenizer %s has no byte token <0x%02X>: byte fallback needs all 256", file, b));
            }
        }
    }

    /**
     * Reads a llama2.c tokenizer file.
     *
     * @throws IllegalArgumentException when the file is not a llama2.c tokenizer (names the file)
     * @throws UncheckedIOException when it cannot be read
     */
    public static Llama2cTokenizer load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + file, e);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<String> pieces = new ArrayList<>();
        List<byte[]> pieceBytes = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        try {
            int maxTokenLength = in.getInt();
            if (maxTokenLength <= 0) {
                throw new IllegalArgumentException(
                        "tokenizer " + file + ": max_token_length " + maxTokenLength + " must be > 0");
            }
            while (in.hasRemaining()) {
                float score = in.getFloat();
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw new IllegalArgumentException("tokenizer " + file + ": token " + pieces.size()
                            + " has length " + length + " but " + in.remaining() + " bytes remain");
                }
                byte[] piece = new byte[length];
                in.get(piece);
                pieceBytes.add(piece);
                pieces.add(new String(piece, StandardCharsets.UTF_8));
                scores.add(score);
            }
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException(
                    "tokenizer " + file + " is truncated after " + pieces.size() + " tokens", e);
        }
        if (pieces.size() <= EOS_ID) {
            throw new IllegalArgumentException(
                    "tokenizer " + file + " holds " + pieces.size() + " tokens; llama2.c needs at least unk, BOS, EOS");
        }
        float[] scoreArray = new float[scores.size()];
        for (int i = 0; i < scoreArray.length; i++) {
            scoreArray[i] = scores.get(i);
        }
        return new Llama2cTokenizer(file, pieces.toArray(String[]::new), pieceBytes.toArray(byte[][]::new),
                scoreArray, sha256Hex(bytes));
    }

    @Override
    public int[] encode(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        // 1. Initial symbols: dummy prefix, then one token per code point or its UTF-8 bytes.
        List<Integer> initial = new ArrayList<>(text.length() + 1);
        addCodePoint(" ", initial);
        text.codePoints().forEach(cp -> addCodePoint(new String(Character.toChars(cp)), initial));

        int n = initial.size();
        int[] token = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            token[i] = initial.get(i);
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }

        // 2. Merges. A queued pair is (left symbol, right symbol, the tokens both had when queued);
        // it is stale once either symbol was merged. Ordering: higher score first, then the left
        // symbol's original index, which is the sequence order, so ties go to the leftmost pair.
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> {
            int byScore = Float.compare(Float.intBitsToFloat((int) b[0]), Float.intBitsToFloat((int) a[0]));
            return byScore != 0 ? byScore : Long.compare(a[1], b[1]);
        });
        for (int i = 0; i + 1 < n; i++) {
            offerPair(queue, i, i + 1, token);
        }
        while (!queue.isEmpty()) {
            long[] pair = queue.poll();
            int left = (int) pair[1];
            int right = (int) pair[2];
            if (token[left] != (int) pair[3] || next[left] != right || token[right] != (int) pair[4]) {
                continue; // stale: one of the two symbols changed since this pair was queued
            }
            token[left] = (int) pair[5];
            token[right] = -1;
            next[left] = next[right];
            if (next[left] >= 0) {
                prev[next[left]] = left;
                offerPair(queue, left, next[left], token);
            }
            if (prev[left] >= 0) {
                offerPair(queue, prev[left], left, token);
            }
        }

        int[] out = new int[n];
        int count = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            out[count++] = token[i];
        }
        return java.util.Arrays.copyOf(out, count);
    }

    private void addCodePoint(String codePoint, List<Integer> out) {
        Integer id = pieceIds.get(codePoint);
        if (id != null) {
            out.add(id);
            return;
        }
        for (byte b : codePoint.getBytes(StandardCharsets.UTF_8)) {
            out.add(byteTokenIds[b & 0xFF]);
        }
    }

    private void offerPair(PriorityQueue<long[]> queue, int left, int right, int[] token) {
        if (byteValueOf[token[left]] >= 0 || byteValueOf[token[right]] >= 0) {
            return; // a byte token's piece is "<0xNN>", never part of a merge
        }
        Integer merged = pieceIds.get(pieces[token[left]] + pieces[token[right]]);
        if (merged != null) {
            queue.add(new long[] {Float.floatToRawIntBits(scores[merged]), left, right,
                    token[left], token[right], merged});
        }
    }

    @Override
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    @Override
    public String decodeContinuation(int[] ids) {
        return decode(ids, false);
    }

    private String decode(int[] ids, boolean atStartOfText) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        boolean startOfText = atStartOfText;
        for (int id : ids) {
            if (id < 0 || id >= pieces.length) {
                throw new IllegalArgumentException(
                        "token id " + id + " is outside the vocabulary of " + pieces.length + " (" + file + ")");
            }
            if (id == BOS_ID) {
                startOfText = true;
                continue;
            }
            if (id == EOS_ID || id == UNK_ID) {
                continue;
            }
            if (byteValueOf[id] >= 0) {
                out.write(byteValueOf[id]);
                continue; // a byte token never carries the dummy prefix (llama2.c checks piece[0])
            }
            byte[] piece = pieceBytes[id];
            int from = startOfText && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            out.write(piece, from, piece.length - from);
            startOfText = false;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The piece of {@code id} exactly as stored in the file ({@code "<0x0A>"} for a byte token). */
    public String piece(int id) {
        return pieces[id];
    }

    /** The merge score of {@code id}. */
    public float score(int id) {
        return scores[id];
    }

    /** The id of an ordinary piece (not a special or byte token), or -1. */
    public int pieceId(String piece) {
        return pieceIds.getOrDefault(piece, -1);
    }

    /** The id of the byte token {@code <0xNN>} for {@code value} in 0..255. */
    public int byteTokenId(int value) {
        return byteTokenIds[value];
    }

    /** The file this tokenizer was read from. */
    public Path file() {
        return file;
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public int bosId() {
        return BOS_ID;
    }

    @Override
    public int eosId() {
        return EOS_ID;
    }

    @Override
    public String sha256() {
        return sha256;
    }

    /** The byte value of a {@code <0xNN>} piece (exactly six characters, as llama2.c writes them), else -1. */
    private static int parseByteToken(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(piece.charAt(3), 16);
        int lo = Character.digit(piece.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "Llama2cTokenizer[" + file + ", " + pieces.length + " tokens]";
    }
}
