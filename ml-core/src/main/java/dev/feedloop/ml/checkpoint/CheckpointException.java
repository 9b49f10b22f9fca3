package dev.feedloop.ml.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint file is unreadable, inconsistent, or does not belong with the rest of a checkpoint.
 * Unchecked: there is nothing a caller can do but report it, and the message says what and where
 * (the file, and the tensor where one is involved).
 */
public class CheckpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "{@code file}: {@code problem}". */
    static CheckpointException inFile(Path file, String problem) {
        return new CheckpointException(file + ": " + problem);
    }

    /** "{@code file}: tensor '{@code tensor}': {@code problem}". */
    static CheckpointException inTensor(Path file, String tensor, String problem) {
        return new CheckpointException(file + ": tensor '" + tensor + "': " + problem);
    }
}
