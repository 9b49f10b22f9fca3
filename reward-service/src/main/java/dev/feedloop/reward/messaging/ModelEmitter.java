package dev.feedloop.reward.messaging;

import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.RewardModelPublished;
import dev.feedloop.contracts.events.v1.RolloutScored;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Out: {@code RolloutScored} to {@code feedloop.rewards.v1} (channel {@code rewards-out}, key
 * prompt_id) and {@code RewardModelPublished} to {@code feedloop.reward-models.v1} (channel
 * {@code reward-models-out}, key {@value Topics#REWARD_MODEL_KEY}). Each send completes when the
 * broker has acknowledged the record ({@code acks=all}).
 */
@ApplicationScoped
public class ModelEmitter {

    @Inject
    @Channel("rewards-out")
    Emitter<RolloutScored> rewards;

    @Inject
    @Channel("reward-models-out")
    Emitter<RewardModelPublished> models;

    public CompletionStage<Void> send(RolloutScored scored) {
        return send(rewards, scored, scored.getRollout().getPromptId());
    }

    public CompletionStage<Void> send(RewardModelPublished published) {
        return send(models, published, Topics.REWARD_MODEL_KEY);
    }

    private static <T> CompletionStage<Void> send(Emitter<T> emitter, T event, String key) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build();
        emitter.send(Message.of(event, Metadata.of(metadata),
                () -> {
                    written.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    written.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return written;
    }
}
