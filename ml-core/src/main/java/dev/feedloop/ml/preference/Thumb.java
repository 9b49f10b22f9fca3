package dev.feedloop.ml.preference;

import java.util.Objects;

/** One person's thumb up or down on one response. */
public record Thumb(String promptId, String prompt, Response response, boolean up) implements Feedback {
    public Thumb {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(response, "response");
    }
}
