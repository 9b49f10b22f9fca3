package dev.feedloop.ml.preference;

/**
 * One piece of human feedback on responses to one prompt. Feedback items with the same
 * {@code promptId} are about responses to the same prompt and must carry the same prompt text.
 */
public sealed interface Feedback permits Ranking, Score, Thumb, Flag {

    /** Identifies the prompt (for rollouts, the prompt id; for OpenAssistant, the parent message id). */
    String promptId();

    /** The prompt text the responses continue. */
    String prompt();
}
