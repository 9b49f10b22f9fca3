package dev.feedloop.ml.preference;

/**
 * Feedback on a response that has no sibling to be compared with (a lone thumb, a flag on the only
 * response). Kept, not dropped: a pointwise reward model or a later sibling can still use it.
 *
 * @param value  the net signal: ups − downs for thumbs (non-zero), −1 for a flag, the mean for a score
 * @param source "thumb", "flag" or "score"
 */
public record UnpairedLabel(String promptId, String prompt, Response response, double value, String source) {}
