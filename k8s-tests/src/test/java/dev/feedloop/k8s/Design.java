package dev.feedloop.k8s;

import static dev.feedloop.contracts.Topics.FEEDBACK;
import static dev.feedloop.contracts.Topics.POLICIES;
import static dev.feedloop.contracts.Topics.PROMPTS;
import static dev.feedloop.contracts.Topics.REWARDS;
import static dev.feedloop.contracts.Topics.REWARD_MODELS;
import static dev.feedloop.contracts.Topics.ROLLOUTS;

import dev.feedloop.contracts.Topics;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * ARCHITECTURE.md's topic table, per service: the topics it reads and writes, and the dead-letter
 * topics of what it consumes. The services' Reactive Messaging channels say this for themselves;
 * the table fills in what they cannot: the role of a topic that only a plain Kafka client touches
 * (the trainer, the reward service's read-back of its versions), and the plan for a service whose
 * module is not written yet.
 *
 * @param reads    topics it reads records from
 * @param writes   topics it produces to
 * @param consumes the topics whose bad records it sends to {@code <topic>.dlq}
 */
record Design(Set<String> reads, Set<String> writes, Set<String> consumes) {

    static final Map<String, Design> SERVICES = Map.of(
            "generator", new Design(Set.of(PROMPTS, POLICIES), Set.of(ROLLOUTS), Set.of(PROMPTS, POLICIES)),
            "labeling", new Design(Set.of(ROLLOUTS, FEEDBACK), Set.of(FEEDBACK), Set.of(ROLLOUTS, FEEDBACK)),
            // reads the reward-models topic back at start with a plain consumer (unparsable records skipped)
            "reward", new Design(Set.of(FEEDBACK, ROLLOUTS, REWARD_MODELS), Set.of(REWARDS, REWARD_MODELS),
                    Set.of(FEEDBACK, ROLLOUTS)),
            // reads the policies topic back only to find the newest version announced
            "trainer", new Design(Set.of(REWARDS, POLICIES), Set.of(POLICIES), Set.of(REWARDS)));

    Set<String> deadLetters() {
        Set<String> out = new TreeSet<>();
        consumes.forEach(t -> out.add(Topics.dlq(t)));
        return out;
    }

    /** Every topic the service touches, dead letters included. */
    Set<String> topics() {
        Set<String> out = new TreeSet<>(reads);
        out.addAll(writes);
        out.addAll(deadLetters());
        return out;
    }
}
