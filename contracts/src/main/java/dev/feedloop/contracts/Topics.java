package dev.feedloop.contracts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The topic table: every Feedloop topic with its partitions, retention and cleanup policy, in one
 * place. {@code kafka-embedded}'s {@code TopicCreator} and the Strimzi {@code KafkaTopic}
 * manifests are made from it.
 *
 * <table>
 *   <tr><th>topic</th><th>key</th><th>event</th><th>producer → consumers</th></tr>
 *   <tr><td>{@value #PROMPTS}</td><td>prompt_id</td><td>PromptSubmitted</td><td>cli, gRPC → generator</td></tr>
 *   <tr><td>{@value #ROLLOUTS}</td><td>prompt_id</td><td>RolloutGenerated</td><td>generator → labeling, reward</td></tr>
 *   <tr><td>{@value #FEEDBACK}</td><td>prompt_id</td><td>FeedbackRecorded</td><td>labeling, cli import → reward, labeling (rebuild)</td></tr>
 *   <tr><td>{@value #REWARDS}</td><td>prompt_id</td><td>RolloutScored</td><td>reward → trainer</td></tr>
 *   <tr><td>{@value #REWARD_MODELS}</td><td>{@value #REWARD_MODEL_KEY}</td><td>RewardModelPublished</td><td>reward → reward replicas</td></tr>
 *   <tr><td>{@value #POLICIES}</td><td>{@value #POLICY_KEY}</td><td>PolicyPublished</td><td>trainer → generator</td></tr>
 * </table>
 *
 * <p>Every topic is consumed by someone, so every topic has a dead-letter topic
 * {@code <topic>.dlq} (see {@link #dlq(String)}) where a consumer sends records it cannot parse,
 * with SmallRye's {@code dead-letter-reason} header.
 */
public final class Topics {

    public static final String PROMPTS = "feedloop.prompts.v1";
    public static final String ROLLOUTS = "feedloop.rollouts.v1";
    public static final String FEEDBACK = "feedloop.feedback.v1";
    public static final String REWARDS = "feedloop.rewards.v1";
    public static final String REWARD_MODELS = "feedloop.reward-models.v1";
    public static final String POLICIES = "feedloop.policies.v1";

    public static final String PROMPTS_DLQ = PROMPTS + ".dlq";
    public static final String ROLLOUTS_DLQ = ROLLOUTS + ".dlq";
    public static final String FEEDBACK_DLQ = FEEDBACK + ".dlq";
    public static final String REWARDS_DLQ = REWARDS + ".dlq";
    public static final String REWARD_MODELS_DLQ = REWARD_MODELS + ".dlq";
    public static final String POLICIES_DLQ = POLICIES + ".dlq";

    /** Record key of every {@code RewardModelPublished}: compaction keeps the latest version. */
    public static final String REWARD_MODEL_KEY = "reward-model";
    /** Record key of every {@code PolicyPublished}: compaction keeps the latest version. */
    public static final String POLICY_KEY = "policy";

    /** Header naming the protobuf message type of a record's value, written by ProtobufSerializer. */
    public static final String EVENT_TYPE_HEADER = "feedloop-event-type";

    /** Infinite retention ({@code retention.ms=-1}). */
    public static final Duration FOREVER = Duration.ofMillis(-1);

    /**
     * One topic's settings.
     *
     * @param name       topic name
     * @param partitions partition count; the unit of consumer parallelism
     * @param compacted  {@code cleanup.policy=compact} (latest record per key kept) instead of delete
     * @param retention  how long records are kept, {@link #FOREVER} for no limit
     * @param dlq        the dead-letter topic's name, if this topic has one
     */
    public record Spec(String name, int partitions, boolean compacted, Duration retention, Optional<String> dlq) {
        public Spec {
            if (partitions < 1) {
                throw new IllegalArgumentException("topic " + name + ": partitions " + partitions + " < 1");
            }
        }
    }

    /** Partitions of the record-stream topics: enough for 3 replicas of a service per group. */
    public static final int STREAM_PARTITIONS = 3;
    /** Dead letters are few and read by people; ordering across partitions does not matter. */
    public static final int DLQ_PARTITIONS = 1;
    /** Dead letters are kept a month for inspection and replay. */
    public static final Duration DLQ_RETENTION = Duration.ofDays(30);

    /**
     * The main topics. Rollouts, feedback and scored rollouts are kept forever: they are the state
     * that services rebuild from and the lineage that every model version names. Prompts are
     * consumed once by the generator and kept a week.
     */
    public static final List<Spec> MAIN = List.of(
            new Spec(PROMPTS, STREAM_PARTITIONS, false, Duration.ofDays(7), Optional.of(PROMPTS_DLQ)),
            new Spec(ROLLOUTS, STREAM_PARTITIONS, false, FOREVER, Optional.of(ROLLOUTS_DLQ)),
            new Spec(FEEDBACK, STREAM_PARTITIONS, false, FOREVER, Optional.of(FEEDBACK_DLQ)),
            new Spec(REWARDS, STREAM_PARTITIONS, false, FOREVER, Optional.of(REWARDS_DLQ)),
            // version topics: one key, compacted, one partition so every replica sees one order
            new Spec(REWARD_MODELS, 1, true, FOREVER, Optional.of(REWARD_MODELS_DLQ)),
            new Spec(POLICIES, 1, true, FOREVER, Optional.of(POLICIES_DLQ)));

    private Topics() {
    }

    /** The dead-letter topic of {@code topic}. */
    public static String dlq(String topic) {
        return topic + ".dlq";
    }

    /** Every topic, main topics first, then their dead-letter topics. */
    public static List<Spec> all() {
        List<Spec> all = new ArrayList<>(MAIN);
        for (Spec spec : MAIN) {
            spec.dlq().ifPresent(d -> all.add(new Spec(d, DLQ_PARTITIONS, false, DLQ_RETENTION, Optional.empty())));
        }
        return List.copyOf(all);
    }

    /** The spec of a topic by name. */
    public static Spec spec(String name) {
        return all().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown topic " + name));
    }
}
