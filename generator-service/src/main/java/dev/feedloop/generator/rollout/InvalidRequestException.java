package dev.feedloop.generator.rollout;

/** A prompt request with a field out of range; the message names the field and the value. */
public class InvalidRequestException extends IllegalArgumentException {

    private final String field;

    public InvalidRequestException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The offending field as the request spells it ({@code n}, {@code prompt}, {@code sampling.top_p}). */
    public String field() {
        return field;
    }
}
