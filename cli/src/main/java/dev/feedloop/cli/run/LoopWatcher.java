package dev.feedloop.cli.run;

import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.PolicyPublished;
import dev.feedloop.contracts.events.v1.RewardModelPublished;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.RolloutScored;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the loop's topics into a {@link LoopState} on its own thread: the version topics from the
 * beginning (they are compacted: the latest versions), the streams from their end at start-up (the
 * rates are this run's). Consumer lag is the sum over the services' consumer groups of end offset
 * minus committed offset, read with {@link Admin} every few seconds. Uses no consumer group of its
 * own (manual assignment), so it never disturbs the services' groups. A record it cannot parse is
 * skipped here: the services' consumers send it to the dead-letter topic.
 */
public final class LoopWatcher implements AutoCloseable {
    static final Duration LAG_EVERY = Duration.ofSeconds(3);

    private final LoopState state;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Admin admin;
    private final Thread thread;
    private volatile boolean running = true;

    public LoopWatcher(String bootstrap, LoopState state) {
        this.state = state;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "feedloop-run-watcher-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"); // no group: nothing to commit
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(p);
        Properties a = new Properties();
        a.put("bootstrap.servers", bootstrap);
        this.admin = Admin.create(a);
        List<TopicPartition> fromStart = partitions(List.of(Topics.POLICIES, Topics.REWARD_MODELS));
        List<TopicPartition> fromEnd = partitions(List.of(Topics.ROLLOUTS, Topics.FEEDBACK, Topics.REWARDS));
        List<TopicPartition> all = new ArrayList<>(fromStart);
        all.addAll(fromEnd);
        consumer.assign(all);
        consumer.seekToBeginning(fromStart);
        consumer.seekToEnd(fromEnd);
        this.thread = new Thread(this::loop, "feedloop-run-watcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private List<TopicPartition> partitions(Collection<String> topics) {
        List<TopicPartition> out = new ArrayList<>();
        for (String t : topics) {
            for (PartitionInfo info : consumer.partitionsFor(t, Duration.ofSeconds(30))) {
                out.add(new TopicPartition(t, info.partition()));
            }
        }
        return out;
    }

    private void loop() {
        Instant nextLag = Instant.now();
        while (running) {
            try {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
                if (Instant.now().isAfter(nextLag)) {
                    state.onConsumerLag(consumerLag());
                    nextLag = Instant.now().plus(LAG_EVERY);
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    System.err.println("run: watching the topics failed: " + e.getMessage());
                    sleep();
                }
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        Instant now = Instant.now();
        try {
            switch (r.topic()) {
                case Topics.ROLLOUTS -> state.onRollout(RolloutGenerated.parseFrom(r.value()), now);
                case Topics.FEEDBACK -> state.onFeedback(FeedbackRecorded.parseFrom(r.value()), now);
                case Topics.REWARDS -> state.onScored(RolloutScored.parseFrom(r.value()), now);
                case Topics.POLICIES -> state.onPolicy(PolicyPublished.parseFrom(r.value()));
                case Topics.REWARD_MODELS -> state.onRewardModel(RewardModelPublished.parseFrom(r.value()));
                default -> { }
            }
        } catch (InvalidProtocolBufferException | NullPointerException e) {
            // not ours to handle: the consuming service dead-letters it
        }
    }

    /** Σ over the services' groups (feedloop-*) of end offset − committed offset. */
    long consumerLag() {
        try {
            long lag = 0;
            for (ConsumerGroupListing g : admin.listConsumerGroups().all().get()) {
                if (!g.groupId().startsWith("feedloop-")) {
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(g.groupId()).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> ask = new java.util.HashMap<>();
                committed.forEach((tp, o) -> { if (o != null) ask.put(tp, OffsetSpec.latest()); });
                if (ask.isEmpty()) {
                    continue;
                }
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(ask).all().get();
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
                    if (e.getValue() != null && ends.containsKey(e.getKey())) {
                        lag += Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset());
                    }
                }
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
        admin.close(Duration.ofSeconds(2));
    }
}
