package dev.feedloop.reward.messaging;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.kafka.ProtobufDeserializer;
import dev.feedloop.reward.feedback.FeedbackMapper;
import dev.feedloop.reward.feedback.FeedbackPosition;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * In: {@code FeedbackRecorded} from {@code feedloop.feedback.v1} (channel {@code feedback-in}, read
 * from the beginning on every start) → the model thread ({@link RewardWorker#feedback}), with its
 * partition and offset for the lineage. A record that is not a {@code FeedbackRecorded}, has no
 * rollout_id or no kind goes to {@code feedloop.feedback.v1.dlq} with the reason.
 */
@ApplicationScoped
public class FeedbackConsumer {

    @Inject
    RewardWorker worker;

    @Incoming("feedback-in")
    @Blocking  // waits while the model thread's inbox is full
    public CompletionStage<Void> consume(Message<byte[]> message) throws InterruptedException {
        IncomingKafkaRecordMetadata<?, ?> kafka = message.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        FeedbackRecorded feedback;
        try {
            feedback = ProtobufDeserializer.parse(FeedbackRecorded.parser(), message.getPayload(), kafka.getHeaders());
            FeedbackMapper.checkShape(feedback);
        } catch (IllegalArgumentException e) {
            return message.nack(e);
        }
        worker.feedback(feedback, new FeedbackPosition(kafka.getPartition(), kafka.getOffset()));
        return message.ack();
    }
}
