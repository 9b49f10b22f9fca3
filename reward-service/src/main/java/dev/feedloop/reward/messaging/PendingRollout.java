package dev.feedloop.reward.messaging;

import dev.feedloop.contracts.events.v1.RolloutGenerated;
import org.eclipse.microprofile.reactive.messaging.Message;

/** A rollout waiting to be scored, with the Kafka record to ack once its {@code RolloutScored} is written. */
record PendingRollout(RolloutGenerated rollout, Message<?> message) {
}
