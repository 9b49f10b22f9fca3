package dev.feedloop.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.events.v1.OffsetRange;
import dev.feedloop.contracts.events.v1.PolicyPublished;
import dev.feedloop.kafka.SharedKafka;
import dev.feedloop.ml.Threads;
import dev.feedloop.ml.checkpoint.CheckpointStore;
import dev.feedloop.ml.train.PpoConfig;
import dev.feedloop.trainer.RealRollouts;
import dev.feedloop.trainer.TestKafka;
import dev.feedloop.trainer.lineage.PartitionKey;
import dev.feedloop.trainer.policy.PolicyCheckpoints;
import dev.feedloop.trainer.policy.TrainerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once through checkpoints, against the real broker and real training: a trainer stopped
 * in the middle of a version (as by SIGKILL: nothing of that version survives) and started again
 * from the same checkpoint directory retrains exactly the records after the last checkpoint, so
 * the lineage of consecutive versions tiles the topic with no gap and no overlap; the KL
 * controller resumes from the stored β; a checkpoint that a crash left unannounced is published
 * on the next start.
 */
class TrainerResumeTest {

    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final String TYPE = "feedloop.events.v1.RolloutScored";
    static RealRollouts rollouts;

    @TempDir
    Path checkpoints;

    @BeforeAll
    static void setUp() {
        SharedKafka.bootstrapServers();
        Threads.configure(1, 1);
        rollouts = new RealRollouts();
    }

    @AfterAll
    static void tearDown() {
        rollouts.close();
    }

    TrainerRuntime.Settings settings(String rewards, String policies) {
        // adaptive KL (target 0.5 per sequence) so that β moves and its resumption is visible
        PpoConfig ppo = PpoConfig.defaults().withKl(0.05, 0.5).withEpochs(1, 8).withLearningRate(3e-4);
        return new TrainerRuntime.Settings(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()), rewards, policies, rewards + ".dlq",
                checkpoints, RealRollouts.MODEL, RealRollouts.TOKENIZER, 2, 1, 3, 16, ppo, 2);
    }

    long produce(String topic, int partition) {
        return TestKafka.produce(topic, partition, rollouts.scored("Once upon a time", 4, 0, 1).toByteArray(), TYPE);
    }

    @Test
    void aTrainerStoppedMidVersionResumesRightAfterTheLastCheckpoint() throws Exception {
        String rewards = "rewards-" + UUID.randomUUID();
        String policies = "policies-" + UUID.randomUUID();
        TestKafka.createTopic(rewards, 2, false);
        TestKafka.createTopic(rewards + ".dlq", 1, false);
        TestKafka.createTopic(policies, 1, true);

        TrainerRuntime first = new TrainerRuntime(settings(rewards, policies), new TrainerCounters());
        first.start();
        long a = produce(rewards, 0);
        long b = produce(rewards, 1);
        PolicyPublished v1 = TestKafka.awaitPolicy(policies, 1, TIMEOUT).get(0);
        assertEquals(List.of(range(rewards, 0, a, a), range(rewards, 1, b, b)), v1.getLineageList());
        TrainerState stored = PolicyCheckpoints.state(Path.of(v1.getCheckpointUri()));
        assertNotEquals(0.05, stored.klCoefficient(), "the adaptive controller moved β");

        // half of the next version is consumed, then the process dies before its checkpoint
        long c = produce(rewards, 0);
        await(() -> first.counters().records.get() == 3, "the third record consumed");
        first.stop();
        assertEquals(1, first.counters().versionsPublished.get());

        long d = produce(rewards, 1);
        TrainerRuntime second = new TrainerRuntime(settings(rewards, policies), new TrainerCounters());
        second.start();
        await(second::policyLoaded, "the restarted trainer loaded version 1");
        assertEquals(stored.klCoefficient(), second.klCoefficient(), 1e-12, "β resumes from the checkpoint");
        List<PolicyPublished> published = TestKafka.awaitPolicy(policies, 2, TIMEOUT);
        second.stop();

        PolicyPublished v2 = published.get(published.size() - 1);
        assertEquals(2, published.size(), "each version published once: " + published);
        assertEquals(1, v2.getParentVersion());
        assertEquals(List.of(range(rewards, 0, c, c), range(rewards, 1, d, d)), v2.getLineageList(),
                "v2 starts right after v1 on every partition and retrains the record the crash lost");
        assertEquals(a + 1, c);
        assertEquals(b + 1, d);
        assertEquals(2, second.counters().records.get(), "the restart read only what v1 had not covered");
        TrainerState afterV2 = PolicyCheckpoints.state(Path.of(v2.getCheckpointUri()));
        assertEquals(java.util.Map.of(new PartitionKey(rewards, 0), c + 1, new PartitionKey(rewards, 1), d + 1),
                afterV2.resumePositions(), "v2's checkpoint stores where to resume");

        // a checkpoint written but never announced (crash between the two) is published on the next start
        String freshPolicies = "policies-" + UUID.randomUUID();
        TestKafka.createTopic(freshPolicies, 1, true);
        TrainerRuntime third = new TrainerRuntime(settings(rewards, freshPolicies), new TrainerCounters());
        third.start();
        List<PolicyPublished> recovered = TestKafka.awaitPolicy(freshPolicies, 2, TIMEOUT);
        third.stop();
        assertEquals(1, recovered.size());
        assertEquals(v2, recovered.get(0), "the same event: same event_id, sha256, lineage and metrics");
        assertEquals(0, third.counters().records.get(), "nothing retrained");
        assertEquals(2, Files.list(checkpoints).filter(p -> Files.isRegularFile(p.resolve(CheckpointStore.MANIFEST_FILE))).count());
    }

    static OffsetRange range(String topic, int partition, long from, long to) {
        return OffsetRange.newBuilder().setTopic(topic).setPartition(partition).setFromOffset(from).setToOffset(to).build();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
