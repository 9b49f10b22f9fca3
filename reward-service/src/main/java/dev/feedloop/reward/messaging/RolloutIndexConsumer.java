package dev.feedloop.reward.messaging;

import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.kafka.ProtobufDeserializer;
import dev.feedloop.reward.feedback.FeedbackMapper;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * In: {@code RolloutGenerated} from {@code feedloop.rollouts.v1} (channel {@code rollouts-in}, read
 * from the beginning on every start, never committed) → the feedback join on the model thread. A bad
 * record is skipped here (failure-strategy {@code ignore}); the scoring channel, which reads the
 * same records, is the one that dead-letters it, so it lands in the DLQ once.
 */
@ApplicationScoped
public class RolloutIndexConsumer {

    @Inject
    RewardWorker worker;

    @Incoming("rollouts-in")
    @Blocking  // waits while the model thread's inbox is full
    public CompletionStage<Void> consume(Message<byte[]> message) throws InterruptedException {
        RolloutGenerated rollout;
        try {
            Headers headers = message.getMetadata(IncomingKafkaRecordMetadata.class)
                    .map(IncomingKafkaRecordMetadata::getHeaders).orElse(null);
            rollout = ProtobufDeserializer.parse(RolloutGenerated.parser(), message.getPayload(), headers);
            FeedbackMapper.checkShape(rollout);
        } catch (IllegalArgumentException e) {
            return message.nack(e);
        }
        worker.rollout(rollout);
        return message.ack();
    }
}
