package dev.feedloop.generator.messaging;

import dev.feedloop.contracts.events.v1.RolloutGenerated;
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
 * Writes {@code RolloutGenerated} to {@code feedloop.rollouts.v1} (channel {@code rollouts-out}),
 * keyed by prompt_id. Its own bean because an emitter cannot be injected into a gRPC service.
 */
@ApplicationScoped
public class RolloutEmitter {

    @Inject
    @Channel("rollouts-out")
    Emitter<RolloutGenerated> emitter;

    /** Completes when the broker has acknowledged the record ({@code acks=all}). */
    public CompletionStage<Void> send(RolloutGenerated rollout) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        OutgoingKafkaRecordMetadata<String> key = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(rollout.getPromptId()).build();
        emitter.send(Message.of(rollout, Metadata.of(key),
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
