package dev.feedloop.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    @BeforeAll
    static void quiet() {
        SharedKafka.quietLogs();
    }

    @Test
    void topicsRecordsAndOffsetsSurviveARestartOnTheSameDirectory(@TempDir Path dir) throws Exception {
        String key = "p-" + UUID.randomUUID();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0); Admin admin = kafka.admin()) {
            assertEquals(Topics.all().size(), TopicCreator.createAll(admin).size());
            assertEquals(List.of(), TopicCreator.createAll(admin), "a second run creates nothing");

            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.POLICIES),
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.ROLLOUTS))).all().get(30, TimeUnit.SECONDS);
            assertEquals("compact", configs.get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.POLICIES))
                    .get("cleanup.policy").value());
            assertEquals("delete", configs.get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.ROLLOUTS))
                    .get("cleanup.policy").value());
            assertEquals(3, admin.describeTopics(List.of(Topics.ROLLOUTS)).allTopicNames().get()
                    .get(Topics.ROLLOUTS).partitions().size());

            produce(kafka.bootstrapServers(), Topics.PROMPTS, key, "hello");
            assertEquals(List.of("hello"), consumeAll(kafka.bootstrapServers(), Topics.PROMPTS, key));
        }

        try (EmbeddedKafka again = EmbeddedKafka.start(dir, 0); Admin admin = again.admin()) {
            assertTrue(admin.listTopics().names().get().containsAll(List.of(Topics.POLICIES_DLQ, Topics.FEEDBACK)));
            assertEquals(List.of(), TopicCreator.createAll(admin), "topics kept across the restart");
            assertEquals(List.of("hello"), consumeAll(again.bootstrapServers(), Topics.PROMPTS, key));
        }
    }

    @Test
    void theSharedBrokerServesTheExtension() {
        String bootstrap = SharedKafka.bootstrapServers();
        assertEquals(bootstrap, SharedKafka.bootstrapServers(), "started once");
        String key = "k-" + UUID.randomUUID();
        produce(bootstrap, Topics.FEEDBACK, key, "x");
        assertEquals(List.of("x"), consumeAll(bootstrap, Topics.FEEDBACK, key));
    }

    static void produce(String bootstrap, String topic, String key, String value) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Every value with this key, read from the beginning by a fresh consumer group. */
    static List<String> consumeAll(String bootstrap, String topic, String key) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        values.add(r.value());
                    }
                }
            }
            return values;
        }
    }

    static <T> T first(Collection<T> c) {
        return c.iterator().next();
    }
}
