package dev.feedloop.reward.messaging;

import dev.feedloop.contracts.events.v1.RolloutGenerated;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * A rollout waiting to be scored, with the Kafka record to ack once its {@code RolloutScored} is
 * written, and how many times writing it failed.
 */
record PendingRollout(RolloutGenerated rollout, Message<?> message, int failedWrites) {

    PendingRollout(RolloutGenerated rollout, Message<?> message) {
        this(rollout, message, 0);
    }
}
