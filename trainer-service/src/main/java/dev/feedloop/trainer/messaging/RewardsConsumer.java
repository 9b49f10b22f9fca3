package dev.feedloop.trainer.messaging;

import dev.feedloop.contracts.Topics;
import dev.feedloop.trainer.lineage.PartitionKey;
import dev.feedloop.trainer.loop.ConsumedRecord;
import dev.feedloop.trainer.loop.TrainerCounters;
import dev.feedloop.trainer.rollout.InvalidRolloutException;
import dev.feedloop.trainer.rollout.RolloutDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

/**
 * {@code feedloop.rewards.v1} → the training thread's bounded queue. A plain {@link KafkaConsumer}
 * owned by its own thread, with every partition assigned by hand and positioned at the offsets
 * stored in the latest checkpoint (no consumer group, no committed offsets: the checkpoint is the
 * only record of progress, see README "Offsets"). Each record is decoded here; one that is not a
 * usable {@code RolloutScored} goes to {@code feedloop.rewards.v1.dlq} with the reason and still
 * travels down the queue as a dead-lettered entry, so lineage stays contiguous. A full queue blocks
 * this thread: back-pressure without a poll deadline, since there is no group to be evicted from.
 */
public final class RewardsConsumer {

    private static final Logger LOG = Logger.getLogger(RewardsConsumer.class);

    private final Map<String, Object> kafkaConfig;
    private final String topic;
    private final RolloutDecoder decoder;
    private final DeadLetterWriter deadLetters;
    private final BlockingQueue<ConsumedRecord> queue;
    private final TrainerCounters counters;
    private volatile boolean running;
    private volatile Throwable failure;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    /** @param kafkaConfig the application's default Kafka configuration (bootstrap servers, security) */
    public RewardsConsumer(Map<String, Object> kafkaConfig, String topic, RolloutDecoder decoder, DeadLetterWriter deadLetters,
            BlockingQueue<ConsumedRecord> queue, TrainerCounters counters) {
        this.kafkaConfig = Map.copyOf(kafkaConfig);
        this.topic = topic;
        this.decoder = decoder;
        this.deadLetters = deadLetters;
        this.queue = queue;
        this.counters = counters;
    }

    /** Starts consuming each partition at {@code resumePositions} (the beginning where absent). */
    public synchronized void start(Map<PartitionKey, Long> resumePositions) {
        running = true;
        thread = new Thread(() -> run(resumePositions), "trainer-rewards-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Why the thread ended, or null while it runs. */
    public Throwable failure() {
        return failure;
    }

    public synchronized void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(2_000); // wakeup() ends a poll; an interrupt is needed only while blocked on a full queue
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join(10_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    private void run(Map<PartitionKey, Long> resumePositions) {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "feedloop-trainer");
        // no group (not even the default one, the application's name): partitions are assigned by hand
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        // progress lives in the checkpoints, never in committed offsets
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a producer of scored rollouts may write in transactions: never train on an aborted one
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // a stored position that retention has deleted resumes at the oldest record left
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a poll's worth is at most a few batches; the queue holds the rest back
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 64);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).sorted((a, b) -> a.partition() - b.partition())
                    .toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " has no partitions (does it exist?)");
            }
            c.assign(partitions);
            for (TopicPartition tp : partitions) {
                Long next = resumePositions.get(new PartitionKey(tp.topic(), tp.partition()));
                if (next != null) {
                    c.seek(tp, next);
                } else {
                    c.seekToBeginning(List.of(tp));
                }
            }
            LOG.infof("consuming %s from %s (next offset per partition; absent = from the beginning)", topic,
                    resumePositions.isEmpty() ? "the beginning" : resumePositions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : c.poll(Duration.ofMillis(500))) {
                    queue.put(toEntry(record));
                }
            }
        } catch (WakeupException | InterruptException e) {
            // stop()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            if (running) {
                failure = e;
                LOG.errorf(e, "consumer of %s failed; the trainer stops consuming", topic);
            }
        } finally {
            consumer = null;
        }
    }

    private ConsumedRecord toEntry(ConsumerRecord<byte[], byte[]> record) {
        PartitionKey key = new PartitionKey(record.topic(), record.partition());
        Header type = record.headers().lastHeader(Topics.EVENT_TYPE_HEADER);
        try {
            return ConsumedRecord.rollout(key, record.offset(), decoder.decode(record.value(),
                    type == null || type.value() == null ? null : new String(type.value(), StandardCharsets.UTF_8)));
        } catch (InvalidRolloutException e) {
            deadLetters.send(record, e);
            counters.deadLettered.incrementAndGet();
            LOG.warnf("%s/%d offset %d sent to the dead-letter topic: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return ConsumedRecord.deadLettered(key, record.offset(), e.getMessage());
        }
    }
}
