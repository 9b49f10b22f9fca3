package dev.feedloop.generator.policy;

/** A checkpoint that must not be served: wrong hash, missing file, inconsistent contents. */
public class PolicyRefusedException extends RuntimeException {
    public PolicyRefusedException(String message) {
        super(message);
    }

    public PolicyRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
