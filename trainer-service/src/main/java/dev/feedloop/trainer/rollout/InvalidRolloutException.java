package dev.feedloop.trainer.rollout;

/** A {@code RolloutScored} the trainer cannot learn from; its message becomes the dead letter's reason. */
public class InvalidRolloutException extends IllegalArgumentException {
    public InvalidRolloutException(String message) {
        super(message);
    }

    public InvalidRolloutException(String message, Throwable cause) {
        super(message, cause);
    }
}
