package dev.feedloop.generator.messaging;

import dev.feedloop.contracts.events.v1.PolicyPublished;
import dev.feedloop.contracts.kafka.ProtobufDeserializer;
import dev.feedloop.generator.policy.PolicyLoader;
import dev.feedloop.generator.policy.PolicyRef;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * {@code feedloop.policies.v1} (channel {@code policies-in}, read from the beginning by every
 * instance) → {@link PolicyLoader}, which loads in the background and ignores versions that are
 * not newer. A record that is not a {@code PolicyPublished} goes to {@code feedloop.policies.v1.dlq}.
 */
@ApplicationScoped
public class PolicyConsumer {

    @Inject
    PolicyLoader loader;

    @Incoming("policies-in")
    public CompletionStage<Void> consume(Message<byte[]> message) {
        PolicyPublished event;
        try {
            Headers headers = message.getMetadata(IncomingKafkaRecordMetadata.class)
                    .map(IncomingKafkaRecordMetadata::getHeaders).orElse(null);
            event = ProtobufDeserializer.parse(PolicyPublished.parser(), message.getPayload(), headers);
        } catch (IllegalArgumentException e) {
            return message.nack(e);
        }
        loader.submit(new PolicyRef(event.getVersion(), event.getCheckpointUri(), event.getSha256()));
        return message.ack();
    }
}
