package dev.feedloop.ml.preference;

import java.util.Objects;

/** A Likert score 1–7 (7 best) for one response, by one annotator. */
public record Score(String promptId, String prompt, Response response, int value) implements Feedback {

    public static final int MIN = 1;
    public static final int MAX = 7;

    public Score {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(response, "response");
        if (value < MIN || value > MAX) {
            throw new IllegalArgumentException("score " + value + " for response " + response.id() + " is outside " + MIN + "…" + MAX);
        }
    }
}
