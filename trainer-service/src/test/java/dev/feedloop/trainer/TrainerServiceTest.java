package dev.feedloop.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.OffsetRange;
import dev.feedloop.contracts.events.v1.PolicyPublished;
import dev.feedloop.contracts.events.v1.RolloutScored;
import dev.feedloop.kafka.KafkaTestResource;
import dev.feedloop.ml.checkpoint.CheckpointManifest;
import dev.feedloop.ml.checkpoint.CheckpointStore;
import dev.feedloop.ml.checkpoint.Llama2cCheckpoint;
import dev.feedloop.ml.checkpoint.LoadedCheckpoint;
import dev.feedloop.ml.checkpoint.Sha256;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.model.Weights;
import dev.feedloop.trainer.policy.PolicyCheckpoints;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The service against the real embedded broker: real scored rollouts in, a checkpoint the
 * generator's loader accepts and a {@code PolicyPublished} out whose lineage is exactly the offsets
 * consumed; a poison record dead-lettered and a stale rollout dropped, with training going on.
 * Batches of 2 rollouts, one step per version, max-policy-lag 0.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@TestProfile(TrainerServiceTest.SmallVersions.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainerServiceTest {

    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final String TYPE = "feedloop.events.v1.RolloutScored";

    public static class SmallVersions implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                return Map.of("feedloop.trainer.checkpoint-dir", Files.createTempDirectory("trainer-test-").toString(),
                        "feedloop.trainer.batch-size", "2",
                        "feedloop.trainer.steps-per-version", "1",
                        "feedloop.trainer.max-policy-lag", "0",
                        "feedloop.trainer.ppo.minibatch-size", "8");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    static RealRollouts rollouts;

    @TestHTTPResource("/q/health/ready")
    URI readiness;
    @TestHTTPResource("/q/metrics")
    URI metrics;

    @BeforeAll
    static void sampler() {
        rollouts = new RealRollouts();
    }

    @AfterAll
    static void close() {
        rollouts.close();
    }

    @Test
    @Order(1)
    void readyOnceThePolicyIsLoadedAndTheBrokerAnswers() throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        HttpResponse<String> r;
        do {
            r = get(readiness);
        } while (r.statusCode() != 200 && System.nanoTime() < deadline && sleep());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"policy_loaded\": true"), r.body());
    }

    @Test
    @Order(2)
    void twoScoredRolloutsBecomeVersionOneWhoseCheckpointTheGeneratorAccepts() throws Exception {
        RolloutScored a = rollouts.scored("Once upon a time", 4, 0, 7);
        RolloutScored b = rollouts.scored("The cat", 4, 0, 8);
        long first = TestKafka.produce(Topics.REWARDS, 0, a.toByteArray(), TYPE);
        long second = TestKafka.produce(Topics.REWARDS, 0, b.toByteArray(), TYPE);

        PolicyPublished v1 = TestKafka.awaitPolicy(Topics.POLICIES, 1, TIMEOUT).get(0);

        assertEquals(1, v1.getVersion());
        assertEquals(0, v1.getParentVersion());
        assertEquals(8, v1.getRewardModelVersion(), "the newest rollout's reward model");
        assertEquals(List.of(range(first, second)), v1.getLineageList());
        // the generator's rule (PolicyFiles.expectedSha256): a directory's sha256 is its manifest's
        Path dir = Path.of(v1.getCheckpointUri());
        assertTrue(Files.isDirectory(dir), dir.toString());
        assertEquals(Sha256.of(dir.resolve(CheckpointStore.MANIFEST_FILE)), v1.getSha256());
        CheckpointManifest manifest = CheckpointStore.verify(dir);
        assertEquals("feedloop.rewards.v1/0:" + (second + 1), manifest.metadata().get(PolicyCheckpoints.RESUME_POSITIONS));
        assertEquals("feedloop.rewards.v1/0/" + first + "-" + second, manifest.metadata().get(PolicyCheckpoints.LINEAGE));
        // and loads the way the generator loads it, value head included, with trained weights
        try (NDManager m = NDManager.newBaseManager(); LlamaModel base = Llama2cCheckpoint.load(RealRollouts.MODEL, m)) {
            LoadedCheckpoint loaded = CheckpointStore.load(dir, m.newSubManager());
            LlamaModel policy = new LlamaModel(loaded.config(), m.newSubManager(), loaded.weights());
            assertTrue(policy.hasValueHead());
            float[] trained = policy.weights().get(Weights.layer(0, "wq")).toFloatArray();
            float[] original = base.weights().get(Weights.layer(0, "wq")).toFloatArray();
            assertFalse(java.util.Arrays.equals(trained, original), "one PPO step changed the weights");
            assertEquals(512, loaded.tokenizer().vocabSize());
        }
        double meanReward = (mean(a) + mean(b)) / 2;
        assertEquals(meanReward, v1.getMetricsOrThrow("objective/scores"), 1e-6);
        assertEquals(meanReward, v1.getMetricsOrThrow("reward/mean"), 1e-6);
        for (String name : List.of("objective/kl", "objective/entropy", "policy/clipfrac", "policy/approxkl",
                "loss/policy", "loss/value", "val/ratio", "reward/std", "response_length")) {
            assertTrue(Double.isFinite(v1.getMetricsOrThrow(name)), name + " = " + v1.getMetricsOrDefault(name, Double.NaN));
        }
        assertEquals(0.0, v1.getMetricsOrThrow("counts/dropped_stale"));
        assertEquals(2.0, v1.getMetricsOrThrow("counts/rollouts"));
        assertEquals(8.0, v1.getMetricsOrThrow("counts/responses"));
    }

    @Test
    @Order(3)
    void aPoisonRecordIsDeadLetteredAStaleRolloutDroppedAndTrainingGoesOn() throws Exception {
        long poison = TestKafka.produce(Topics.REWARDS, 0, "not a protobuf".getBytes(StandardCharsets.UTF_8), TYPE);
        // the trainer is at version 1 with max-policy-lag 0: a version-0 rollout is stale
        long stale = TestKafka.produce(Topics.REWARDS, 0, rollouts.scored("A dog", 4, 0, 8).toByteArray(), TYPE);
        TestKafka.produce(Topics.REWARDS, 0, rollouts.scored("Lily", 4, 1, 8).toByteArray(), TYPE);
        long last = TestKafka.produce(Topics.REWARDS, 0, rollouts.scored("Tim", 4, 1, 9).toByteArray(), TYPE);

        ConsumerRecord<String, byte[]> letter = TestKafka.await(Topics.REWARDS_DLQ, rs -> !rs.isEmpty(), TIMEOUT).get(0);
        assertEquals("not a protobuf", new String(letter.value(), StandardCharsets.UTF_8));
        assertTrue(header(letter, "dead-letter-reason").contains("not a protobuf message"), header(letter, "dead-letter-reason"));
        assertEquals(Long.toString(poison), header(letter, "dead-letter-offset"));
        assertEquals(Topics.REWARDS, header(letter, "dead-letter-topic"));

        List<PolicyPublished> versions = TestKafka.awaitPolicy(Topics.POLICIES, 2, TIMEOUT);
        PolicyPublished v1 = versions.get(0);
        PolicyPublished v2 = versions.get(1);
        assertEquals(2, v2.getVersion());
        assertEquals(1, v2.getParentVersion());
        assertEquals(9, v2.getRewardModelVersion());
        assertEquals(v1.getLineage(0).getToOffset() + 1, poison, "v2 starts right after v1");
        assertEquals(List.of(range(poison, last)), v2.getLineageList(), "dead letter and stale rollout count in lineage");
        assertEquals(1.0, v2.getMetricsOrThrow("counts/dropped_stale"));
        assertEquals(1.0, v2.getMetricsOrThrow("counts/dead_lettered"));
        assertEquals(2.0, v2.getMetricsOrThrow("counts/rollouts"));
        assertNotEquals(v1.getSha256(), v2.getSha256());
        assertTrue(stale > poison);

        String prometheus = get(metrics).body();
        assertTrue(prometheus.contains("feedloop_trainer_dropped_stale_total 1.0"), "dropped stale metric");
        assertTrue(prometheus.contains("feedloop_trainer_dead_letters_total 1.0"), "dead letters metric");
        assertTrue(prometheus.contains("feedloop_trainer_policy_version 2.0"), "policy version metric");
        assertTrue(prometheus.contains("feedloop_trainer_steps_total 2.0"), "steps metric");
        assertTrue(prometheus.lines().anyMatch(l -> l.startsWith("feedloop_trainer_kl ")), "kl gauge");
    }

    static OffsetRange range(long from, long to) {
        return OffsetRange.newBuilder().setTopic(Topics.REWARDS).setPartition(0).setFromOffset(from).setToOffset(to).build();
    }

    static double mean(RolloutScored s) {
        return s.getRewardsList().stream().mapToDouble(r -> r.getReward()).average().orElseThrow();
    }

    static String header(ConsumerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static boolean sleep() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }
}
