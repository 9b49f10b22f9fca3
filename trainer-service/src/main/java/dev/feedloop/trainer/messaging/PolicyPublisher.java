package dev.feedloop.trainer.messaging;

import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.PolicyPublished;
import dev.feedloop.contracts.kafka.ProtobufDeserializer;
import dev.feedloop.contracts.kafka.ProtobufSerializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes {@code PolicyPublished} to {@code feedloop.policies.v1} (compacted, key
 * {@value Topics#POLICY_KEY}) and reads back the newest version published, so a restart can
 * publish a checkpoint that was written but not announced before a crash.
 */
public final class PolicyPublisher implements AutoCloseable {

    private final Map<String, Object> kafkaConfig;
    private final String topic;
    private final KafkaProducer<String, PolicyPublished> producer;

    /** @param kafkaConfig the application's default Kafka configuration (bootstrap servers, security) */
    public PolicyPublisher(Map<String, Object> kafkaConfig, String topic) {
        this.kafkaConfig = Map.copyOf(kafkaConfig);
        this.topic = topic;
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "feedloop-trainer-policies");
        // a version is announced once every in-sync replica has it; retries never duplicate it
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ProtobufSerializer<>());
    }

    /** Sends and waits for the broker's ack. */
    public void publish(PolicyPublished event) {
        try {
            producer.send(new ProducerRecord<>(topic, Topics.POLICY_KEY, event)).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing policy version " + event.getVersion(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish policy version " + event.getVersion() + " to " + topic + ": " + e, e);
        }
    }

    /** The highest version on the topic, or -1 when none (records that do not parse are skipped). */
    public long latestPublishedVersion(Duration timeout) {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "feedloop-trainer-policies-reader");
        // no group (not even the default one, the application's name): a one-off read to the end, nothing to commit
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long newest = -1;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " to its end took over " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        newest = Math.max(newest, ProtobufDeserializer.parse(PolicyPublished.parser(), r.value()).getVersion());
                    } catch (IllegalArgumentException e) {
                        // not ours to judge: the generator dead-letters it
                    }
                }
            }
            return newest;
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
