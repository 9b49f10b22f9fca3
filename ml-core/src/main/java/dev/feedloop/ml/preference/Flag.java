package dev.feedloop.ml.preference;

import java.util.Objects;

/** A response flagged as inappropriate; {@code reason} is free text (may be empty). */
public record Flag(String promptId, String prompt, Response response, String reason) implements Feedback {
    public Flag {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(reason, "reason");
    }
}
