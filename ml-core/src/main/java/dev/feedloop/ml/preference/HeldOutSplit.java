package dev.feedloop.ml.preference;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Train / held-out split by a stable hash of the prompt text: the first 8 bytes of
 * SHA-256(UTF-8 prompt), read as an unsigned number in [0, 1), are below the fraction → held out.
 * The same prompt therefore always lands on the same side, in every run, on every machine, whatever
 * the order or the source of the data; and since all comparisons of a group share their prompt, a
 * group is never split.
 */
public final class HeldOutSplit {

    public record Split(List<Comparison> train, List<Comparison> heldOut) {}

    private final double heldOutFraction;

    /** @param heldOutFraction in [0, 1], e.g. 0.1 */
    public HeldOutSplit(double heldOutFraction) {
        if (!(heldOutFraction >= 0 && heldOutFraction <= 1)) {
            throw new IllegalArgumentException("heldOutFraction " + heldOutFraction + " is outside [0, 1]");
        }
        this.heldOutFraction = heldOutFraction;
    }

    public boolean isHeldOut(String prompt) {
        return unitHash(prompt) < heldOutFraction;
    }

    public Split split(List<Comparison> comparisons) {
        List<Comparison> train = new ArrayList<>();
        List<Comparison> heldOut = new ArrayList<>();
        for (Comparison c : comparisons) (isHeldOut(c.prompt()) ? heldOut : train).add(c);
        return new Split(List.copyOf(train), List.copyOf(heldOut));
    }

    /** SHA-256 of the text mapped to [0, 1) with 53 bits. */
    static double unitHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long bits = ByteBuffer.wrap(digest).getLong();
            return (bits >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
