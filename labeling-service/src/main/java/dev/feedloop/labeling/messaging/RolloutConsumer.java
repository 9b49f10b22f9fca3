package dev.feedloop.labeling.messaging;

import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.kafka.ProtobufDeserializer;
import dev.feedloop.labeling.task.ReplayTracker;
import dev.feedloop.labeling.task.TaskQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * In: {@code RolloutGenerated} from {@code feedloop.rollouts.v1} (channel {@code rollouts-in}) →
 * {@link TaskQueue#offer}. A record that is not a RolloutGenerated throws, and SmallRye sends it to
 * {@code feedloop.rollouts.v1.dlq} with the reason in the {@code dead-letter-reason} header.
 */
@ApplicationScoped
public class RolloutConsumer {

    @Inject
    TaskQueue queue;

    @Inject
    ReplayTracker replay;

    @Incoming("rollouts-in")
    public void onRollout(ConsumerRecord<String, byte[]> record) {
        try {
            queue.offer(ProtobufDeserializer.parse(RolloutGenerated.parser(), record.value(), record.headers()));
        } finally {
            replay.consumed(record.topic(), record.partition(), record.offset());  // a dead letter counts as handled
        }
    }
}
