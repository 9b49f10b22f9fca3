package dev.feedloop.reward.feedback;

/** Where a feedback record was read: partition and offset of {@code feedloop.feedback.v1}. */
public record FeedbackPosition(int partition, long offset) {
}
