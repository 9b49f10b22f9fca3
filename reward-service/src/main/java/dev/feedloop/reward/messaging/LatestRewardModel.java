package dev.feedloop.reward.messaging;

import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.RewardModelPublished;
import dev.feedloop.contracts.kafka.ProtobufDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the compacted {@code feedloop.reward-models.v1} from the beginning to its current end, once
 * at start-up, and returns the highest version published (records that do not parse are skipped:
 * the topic's own consumers dead-letter them).
 */
final class LatestRewardModel {

    private LatestRewardModel() {
    }

    /** @param kafkaConfig the application's default Kafka configuration (bootstrap servers, security) */
    static Optional<RewardModelPublished> read(Map<String, Object> kafkaConfig, Duration timeout) {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        // assign(), a throwaway group: nothing to commit, nothing to rebalance
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "feedloop-reward-restore-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> info = consumer.partitionsFor(Topics.REWARD_MODELS, timeout);
            if (info == null || info.isEmpty()) {
                return Optional.empty();
            }
            List<TopicPartition> partitions = info.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            RewardModelPublished latest = null;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + Topics.REWARD_MODELS + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        RewardModelPublished e = ProtobufDeserializer.parse(RewardModelPublished.parser(), r.value(), r.headers());
                        if (latest == null || e.getVersion() > latest.getVersion()) {
                            latest = e;
                        }
                    } catch (IllegalArgumentException ignored) {
                        // not ours to dead-letter; a tombstone or garbage cannot be the latest version
                    }
                }
            }
            return Optional.ofNullable(latest);
        }
    }
}
