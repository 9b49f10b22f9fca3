package dev.feedloop.trainer;

import static org.junit.jupiter.api.Assertions.fail;

import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.PolicyPublished;
import dev.feedloop.kafka.SharedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients against the shared test broker, with explicit timeouts. */
public final class TestKafka {

    private TestKafka() {
    }

    /** Writes one record to a given partition (with the event-type header) and returns its offset. */
    public static long produce(String topic, int partition, byte[] value, String eventType) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, partition, "key", value);
            if (eventType != null) {
                record.headers().add(Topics.EVENT_TYPE_HEADER, eventType.getBytes());
            }
            return producer.send(record).get(30, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            throw new AssertionError("cannot produce to " + topic, e);
        }
    }

    /** Creates topics for one test: {@code name} with {@code partitions}, or compacted with 1 partition. */
    public static void createTopic(String name, int partitions, boolean compacted) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, compacted ? "compact" : "delete")))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("cannot create " + name, e);
        }
    }

    /** Every record of {@code topic} from the beginning until {@code done} holds for the list, or fail after {@code timeout}. */
    public static List<ConsumerRecord<String, byte[]>> await(String topic,
            Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r);
                }
                if (done.test(seen)) {
                    return seen;
                }
            }
        }
        return fail("condition not met on " + topic + " within " + timeout + "; saw " + seen.size() + " records");
    }

    /** The published policy versions, oldest first, once {@code version} is among them. */
    public static List<PolicyPublished> awaitPolicy(String topic, long version, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> records = await(topic,
                rs -> rs.stream().anyMatch(r -> parse(r).getVersion() == version), timeout);
        return records.stream().map(TestKafka::parse).toList();
    }

    public static PolicyPublished parse(ConsumerRecord<String, byte[]> r) {
        try {
            return PolicyPublished.parseFrom(r.value());
        } catch (Exception e) {
            throw new AssertionError("not a PolicyPublished at offset " + r.offset(), e);
        }
    }
}
