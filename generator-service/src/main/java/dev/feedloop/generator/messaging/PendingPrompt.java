package dev.feedloop.generator.messaging;

import dev.feedloop.generator.rollout.PromptRequest;
import org.eclipse.microprofile.reactive.messaging.Message;

/** A validated prompt waiting to be sampled, with the Kafka record to ack once its rollout is written. */
public record PendingPrompt(PromptRequest request, Message<?> message) {
}
