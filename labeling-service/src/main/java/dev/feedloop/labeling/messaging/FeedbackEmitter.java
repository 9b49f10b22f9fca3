package dev.feedloop.labeling.messaging;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.labeling.feedback.FeedbackPublisher;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Out: {@code FeedbackRecorded} to {@code feedloop.feedback.v1} (channel {@code feedback-out}), key
 * prompt_id. Blocks until the broker acknowledged (acks=all, idempotent producer), so call it off
 * the event loop. Its own bean: an emitter injected straight into a gRPC service fails at start.
 */
@ApplicationScoped
public class FeedbackEmitter implements FeedbackPublisher {

    @Channel("feedback-out")
    MutinyEmitter<FeedbackRecorded> emitter;

    @Override
    public void publish(FeedbackRecorded event) {
        emitter.sendMessageAndAwait(Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.getPromptId()).build()));
    }
}
