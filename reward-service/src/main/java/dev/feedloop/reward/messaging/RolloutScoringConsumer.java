package dev.feedloop.reward.messaging;

import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.kafka.ProtobufDeserializer;
import dev.feedloop.reward.feedback.FeedbackMapper;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * In: {@code RolloutGenerated} from {@code feedloop.rollouts.v1} (channel {@code rollouts-score-in},
 * consumer group {@code feedloop-reward-scoring}, committed) → the scoring queue; out, from the
 * model thread, {@code RolloutScored} on {@code feedloop.rewards.v1}. The record is acked (and its
 * offset committed) only after the broker acknowledged its {@code RolloutScored}. Imported rollouts
 * (source IMPORT: a dataset's responses, not sampled by any policy) are acked unscored. A record that is
 * not a valid rollout goes to {@code feedloop.rollouts.v1.dlq} with the reason.
 */
@ApplicationScoped
public class RolloutScoringConsumer {

    @Inject
    RewardWorker worker;

    @Incoming("rollouts-score-in")
    @Blocking  // waits while the scoring queue is full (before version 1: until it exists)
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
        if (rollout.getSource() == Source.IMPORT) {
            // a dataset's human-written responses: feedback joins them, but no policy sampled them
            // (no behaviour log-probs), so there is nothing for the trainer to learn from a score
            return message.ack();
        }
        worker.score(rollout, message);
        return CompletableFuture.completedFuture(null);
    }
}
