package dev.feedloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.cli.imports.HhRlhfImport;
import dev.feedloop.cli.imports.ImportBatch;
import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.kafka.KafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code feedloop import hh-rlhf} against the real embedded broker, on the bundled HH-RLHF file:
 * one rollout and one feedback event per pair on the topics, and still exactly one after a second
 * import of the same file.
 */
@ExtendWith(KafkaExtension.class)
class ImportCommandKafkaTest {
    static final Path HH = Home.dir().resolve("data/preferences/hh-rlhf/harmless-base-test.jsonl.gz");

    @Test
    void importingTheHhRlhfFileTwiceLeavesExactlyOneFeedbackEventPerPair(@KafkaExtension.BootstrapServers String bootstrap) {
        ImportBatch expected = HhRlhfImport.read(HH, Instant.EPOCH);
        int pairs = expected.feedback().size();
        assertEquals(2_307, pairs, "2,312 rows, 5 the loader cannot split");
        Set<String> expectedFeedbackIds = ids(expected.feedback(), FeedbackRecorded::getEventId);
        Set<String> expectedRolloutIds = ids(expected.rollouts(), RolloutGenerated::getEventId);

        Run first = Run.of("import", "hh-rlhf", HH.toString(), "--bootstrap-servers", bootstrap);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains(Topics.FEEDBACK + ": 2,307 published, 0 already there (of 2,307)"), first.out());
        assertTrue(first.out().contains(Topics.ROLLOUTS + ": 2,307 published, 0 already there (of 2,307)"), first.out());
        assertOnePerPair(bootstrap, expectedFeedbackIds, expectedRolloutIds);

        Run second = Run.of("import", "hh-rlhf", HH.toString(), "--bootstrap-servers", bootstrap);
        assertEquals(0, second.code(), second.err());
        assertTrue(second.out().contains(Topics.FEEDBACK + ": 0 published, 2,307 already there (of 2,307)"), second.out());
        assertTrue(second.out().contains(Topics.ROLLOUTS + ": 0 published, 2,307 already there (of 2,307)"), second.out());
        assertOnePerPair(bootstrap, expectedFeedbackIds, expectedRolloutIds);
    }

    @Test
    void anUnreachableBrokerFailsWithOneLine() {
        Run r = Run.of("import", "oasst", Home.dir().resolve("data/preferences/oasst/en_100_tree.jsonl").toString(),
                "--bootstrap-servers", "127.0.0.1:1", "--timeout", "2");
        assertEquals(Feedloop.FAILED, r.code(), r.out() + r.err());
        assertTrue(r.errLine().startsWith("feedloop import oasst: cannot reach Kafka at 127.0.0.1:1"), r.err());
    }

    private static void assertOnePerPair(String bootstrap, Set<String> feedbackIds, Set<String> rolloutIds) {
        List<FeedbackRecorded> feedback = readAll(bootstrap, Topics.FEEDBACK, FeedbackRecorded.parser()::parseFrom);
        List<FeedbackRecorded> ours = feedback.stream().filter(f -> feedbackIds.contains(f.getEventId())).toList();
        assertEquals(feedbackIds.size(), ours.size(), "one feedback event per pair, none twice");
        assertEquals(feedbackIds, ids(ours, FeedbackRecorded::getEventId));
        assertTrue(ours.stream().allMatch(f -> f.hasComparison()
                && f.getComparison().getOutcome() == dev.feedloop.contracts.events.v1.Comparison.Outcome.A_BETTER));
        List<RolloutGenerated> rollouts = readAll(bootstrap, Topics.ROLLOUTS, RolloutGenerated.parser()::parseFrom);
        List<RolloutGenerated> ourRollouts = rollouts.stream().filter(r -> rolloutIds.contains(r.getEventId())).toList();
        assertEquals(rolloutIds.size(), ourRollouts.size(), "one rollout per pair, none twice");
    }

    interface Parse<T> {
        T parse(byte[] bytes) throws Exception;
    }

    /** Every record of {@code topic} from the beginning to its current end, parsed. */
    static <T> List<T> readAll(String bootstrap, String topic, Parse<T> parser) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                assertTrue(System.nanoTime() < deadline, "read " + topic + " to its end in 60 s");
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    try {
                        out.add(parser.parse(r.value()));
                    } catch (Exception e) {
                        throw new AssertionError("unreadable record on " + topic, e);
                    }
                }
            }
        }
        return out;
    }

    static <T> Set<String> ids(List<T> events, Function<T, String> id) {
        Set<String> s = new HashSet<>();
        events.forEach(e -> s.add(id.apply(e)));
        return s;
    }
}
