package dev.feedloop.labeling.feedback;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pseudonymises production user ids: {@code "user:" + hex(HMAC-SHA256(key, userId))}. The same
 * user always maps to the same annotator id (so their feedback can be grouped) but without the key
 * the id cannot be recovered or tested by hashing guesses. The raw id is never stored or logged.
 */
public final class UserIdHasher {

    /** 128 bits: shorter keys make guessing the key feasible. */
    public static final int MIN_KEY_BYTES = 16;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public UserIdHasher(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("feedloop.labeling.user-id-hash-key is " + bytes.length
                    + " bytes; at least " + MIN_KEY_BYTES + " are needed");
        }
        this.key = new SecretKeySpec(bytes, ALGORITHM);
    }

    public String pseudonym(String userId) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return "user:" + HexFormat.of().formatHex(mac.doFinal(userId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
