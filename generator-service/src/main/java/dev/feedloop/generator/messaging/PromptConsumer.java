package dev.feedloop.generator.messaging;

import dev.feedloop.contracts.events.v1.PromptSubmitted;
import dev.feedloop.contracts.kafka.ProtobufDeserializer;
import dev.feedloop.generator.rollout.PromptBatcher;
import dev.feedloop.generator.rollout.PromptRequest;
import dev.feedloop.generator.rollout.RequestValidator;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * {@code feedloop.prompts.v1} (channel {@code prompts-in}) → the prompt batcher. A record that is
 * not a valid {@code PromptSubmitted}, or asks for K or sampling values out of range, is nacked
 * and lands in {@code feedloop.prompts.v1.dlq} with the reason; the record is acked only after its
 * rollout is on {@code feedloop.rollouts.v1} (see {@link GenerationWorker}).
 */
@ApplicationScoped
public class PromptConsumer {

    @Inject
    RequestValidator validator;
    @Inject
    PromptBatcher<PendingPrompt> batcher;

    @Incoming("prompts-in")
    @Blocking  // put() waits while the batcher is full: back-pressure on the consumer
    public CompletionStage<Void> consume(Message<byte[]> message) throws InterruptedException {
        PromptRequest request;
        try {
            Headers headers = message.getMetadata(IncomingKafkaRecordMetadata.class)
                    .map(IncomingKafkaRecordMetadata::getHeaders).orElse(null);
            request = validator.fromEvent(ProtobufDeserializer.parse(PromptSubmitted.parser(), message.getPayload(), headers));
        } catch (IllegalArgumentException e) {  // InvalidEventException, InvalidRequestException
            return message.nack(e);
        }
        batcher.put(new PendingPrompt(request, message));
        return CompletableFuture.completedFuture(null);
    }
}
