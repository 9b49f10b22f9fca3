package dev.feedloop.labeling.messaging;

import dev.feedloop.contracts.events.v1.PolicyPublished;
import dev.feedloop.contracts.events.v1.RewardModelPublished;
import dev.feedloop.contracts.kafka.ProtobufDeserializer;
import dev.feedloop.labeling.dashboard.DashboardState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * In, for the dashboard: {@code PolicyPublished} from {@code feedloop.policies.v1} (channel
 * {@code policies-in}) and {@code RewardModelPublished} from {@code feedloop.reward-models.v1}
 * (channel {@code reward-models-in}) → {@link DashboardState}. Both compacted topics are read whole
 * from the beginning by a group of this process's own. Unparseable records go to {@code <topic>.dlq}.
 */
@ApplicationScoped
public class VersionConsumer {

    @Inject
    DashboardState dashboard;

    @Incoming("policies-in")
    public void onPolicy(ConsumerRecord<String, byte[]> record) {
        dashboard.onPolicy(ProtobufDeserializer.parse(PolicyPublished.parser(), record.value(), record.headers()));
    }

    @Incoming("reward-models-in")
    public void onRewardModel(ConsumerRecord<String, byte[]> record) {
        dashboard.onRewardModel(ProtobufDeserializer.parse(RewardModelPublished.parser(), record.value(), record.headers()));
    }
}
