package dev.feedloop.cli.imports;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.kafka.ProtobufDeserializer;
import dev.feedloop.contracts.kafka.ProtobufSerializer;
import dev.feedloop.kafka.TopicCreator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes an {@link ImportBatch}: rollouts to {@value Topics#ROLLOUTS}, then feedback to
 * {@value Topics#FEEDBACK}, key prompt_id, skipping every event whose id is already on its topic.
 *
 * <p>Exactly once per event, in two layers. The ids are deterministic ({@link ImportIds}), so
 * consumers, which deduplicate by {@code event_id}, see a re-import as nothing new. And before
 * publishing, the importer reads both topics from the beginning to their current end and collects
 * the ids of the {@code IMPORT} events there, so a second import of the same file writes nothing
 * and each topic holds one event per row. (Two imports of one file running at the same moment can
 * both publish; consumers still deduplicate.) The producer is idempotent with {@code acks=all}, so
 * its own retries never duplicate a record either; every send is awaited before the command ends.
 */
public final class ImportPublisher implements AutoCloseable {
    /** The default of how long one Kafka call may take before the import fails (an unreachable broker, no leader). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** What happened to one topic's share of the batch. */
    public record Published(String topic, int events, int published, int alreadyThere) {}

    private final String bootstrap;
    private final Duration timeout;
    private final KafkaProducer<String, Message> producer;

    /** @param timeout how long one Kafka call (metadata, a read, an acknowledgement) may take */
    public ImportPublisher(String bootstrap, Duration timeout) {
        this.bootstrap = bootstrap;
        this.timeout = timeout;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all"); // an event counts as imported once every in-sync replica has it
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"); // retries never write a record twice
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis())); // fail, not hang, without a broker
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis() * 2)); // ≥ linger + request timeout
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5"); // thousands of small records: batch them
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ProtobufSerializer.class);
        this.producer = new KafkaProducer<>(p);
    }

    /** Creates any missing Feedloop topic (partitions, retention, dead-letter topics as the contracts say). */
    public List<String> ensureTopics() {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() / 2))) {
            return TopicCreator.createAll(admin);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot reach Kafka at " + bootstrap + ": " + e.getMessage(), e);
        }
    }

    /** Publishes the batch's rollouts, then its feedback, each skipping what its topic already holds. */
    public List<Published> publish(ImportBatch batch) {
        Published rollouts = publish(Topics.ROLLOUTS, batch.rollouts(), RolloutGenerated::getEventId,
                RolloutGenerated::getPromptId, existingImportIds(Topics.ROLLOUTS, RolloutGenerated.parser(),
                        r -> r.getSource() == Source.IMPORT, RolloutGenerated::getEventId));
        Published feedback = publish(Topics.FEEDBACK, batch.feedback(), FeedbackRecorded::getEventId,
                FeedbackRecorded::getPromptId, existingImportIds(Topics.FEEDBACK, FeedbackRecorded.parser(),
                        f -> f.getSource() == Source.IMPORT, FeedbackRecorded::getEventId));
        return List.of(rollouts, feedback);
    }

    private <T extends Message> Published publish(String topic, List<T> events, Function<T, String> eventId,
            Function<T, String> key, Set<String> existing) {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        Set<String> sent = new HashSet<>(existing);
        int skipped = 0;
        for (T event : events) {
            if (!sent.add(eventId.apply(event))) {
                skipped++; // on the topic already, or twice in this file
                continue;
            }
            sends.add(producer.send(new ProducerRecord<>(topic, key.apply(event), event)));
        }
        producer.flush();
        for (Future<RecordMetadata> f : sends) {
            await(f, topic);
        }
        return new Published(topic, events.size(), sends.size(), skipped);
    }

    /**
     * The event ids of the IMPORT events on {@code topic}, read from the beginning up to the end
     * offsets of the moment. Records that are not events of the topic's type are skipped: they are
     * not ours to judge (consumers send them to the dead-letter topic).
     */
    <T extends Message> Set<String> existingImportIds(String topic, Parser<T> parser,
            java.util.function.Predicate<T> imported, Function<T, String> eventId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"); // no group: assigned partitions, nothing to commit
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        Set<String> ids = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos() * 4;
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " to its end (" + end + ") took too long");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    T event;
                    try {
                        event = ProtobufDeserializer.parse(parser, r.value(), r.headers());
                    } catch (ProtobufDeserializer.InvalidEventException e) {
                        continue;
                    }
                    if (imported.test(event)) {
                        ids.add(eventId.apply(event));
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IllegalStateException("cannot read " + topic + " at " + bootstrap + ": " + e.getMessage(), e);
        }
        return ids;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void await(Future<RecordMetadata> f, String topic) {
        try {
            f.get(timeout.toMillis() * 3, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("publishing to " + topic + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("publishing to " + topic + ": no acknowledgement in " + timeout.multipliedBy(3), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
