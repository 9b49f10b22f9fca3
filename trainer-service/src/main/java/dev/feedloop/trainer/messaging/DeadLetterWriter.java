package dev.feedloop.trainer.messaging;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a record the trainer cannot use, untouched, to {@code <topic>.dlq} with SmallRye's
 * dead-letter headers ({@code dead-letter-reason}, {@code -cause}, {@code -topic},
 * {@code -partition}, {@code -offset}), as the other services' consumers do. Waits for the ack:
 * the record counts as consumed only once its dead letter is safe.
 */
public final class DeadLetterWriter implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String dlqTopic;

    /** @param kafkaConfig the application's default Kafka configuration (bootstrap servers, security) */
    public DeadLetterWriter(Map<String, Object> kafkaConfig, String dlqTopic) {
        this.dlqTopic = dlqTopic;
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "feedloop-trainer-dlq");
        // a dead letter is kept on every in-sync replica, and a retry never duplicates it
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public void send(ConsumerRecord<byte[], byte[]> record, Exception cause) {
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(dlqTopic, null, record.key(), record.value());
        for (Header h : record.headers()) {
            letter.headers().add(h);
        }
        letter.headers().add("dead-letter-reason", utf8(cause.getMessage()));
        letter.headers().add("dead-letter-cause", utf8(cause.getClass().getName()));
        letter.headers().add("dead-letter-topic", utf8(record.topic()));
        letter.headers().add("dead-letter-partition", utf8(Integer.toString(record.partition())));
        letter.headers().add("dead-letter-offset", utf8(Long.toString(record.offset())));
        try {
            producer.send(letter).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a dead letter to " + dlqTopic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write the dead letter of " + record.topic() + "/" + record.partition()
                    + "/" + record.offset() + " to " + dlqTopic + ": " + e, e);
        }
    }

    private static byte[] utf8(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
