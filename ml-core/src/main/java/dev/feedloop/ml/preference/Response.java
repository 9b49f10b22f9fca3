package dev.feedloop.ml.preference;

import java.util.Objects;

/** One response to a prompt: a stable id (the rollout or message id) and its text. */
public record Response(String id, String text) {
    public Response {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
    }
}
