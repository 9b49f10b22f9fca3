package dev.feedloop.labeling.feedback;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;

/** Publishes a feedback event and returns only once the broker has acknowledged it. */
public interface FeedbackPublisher {

    /** @throws RuntimeException if the broker did not acknowledge the event */
    void publish(FeedbackRecorded event);
}
