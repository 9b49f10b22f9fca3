package dev.feedloop.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.OffsetRange;
import dev.feedloop.contracts.events.v1.RewardModelPublished;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.RolloutScored;
import dev.feedloop.contracts.reward.v1.RewardScorerGrpc;
import dev.feedloop.contracts.reward.v1.ScoreBatchRequest;
import dev.feedloop.contracts.reward.v1.ScoreBatchResponse;
import dev.feedloop.contracts.reward.v1.ScoreItem;
import dev.feedloop.kafka.KafkaTestResource;
import dev.feedloop.ml.checkpoint.CheckpointStore;
import dev.feedloop.ml.checkpoint.Sha256;
import dev.feedloop.reward.loop.LoopStats;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The reward service against the real embedded broker and the real stories260K trunk: feedback and
 * rollouts in, comparisons, a published version, scored rollouts out, dead letters, gRPC. The
 * methods build on each other (a version must exist before rollouts are scored), hence the order.
 * %test settings: publish-every 6, held-out fraction 0.5, gate needs 1 held-out pair and tolerates
 * any drop (the gate itself is PublishGateTest's and the learning test's).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RewardServiceTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final double FRACTION = 0.5;
    static final String[] STORIES = {"Tom was happy and he smiled at the sun.", "The dog ran to the park.",
            "Lily was sad and cried all day.", "A cat sat on a big red box."};

    @GrpcClient("reward")
    RewardScorerGrpc.RewardScorerBlockingStub grpc;
    @Inject
    LoopStats stats;
    @TestHTTPResource("/q/health/ready")
    URI readiness;
    @TestHTTPResource("/q/metrics")
    URI metrics;

    static RolloutGenerated rollout(boolean heldOut, String... responses) {
        String id = "r-" + UUID.randomUUID();
        return Fixtures.rollout(id, Fixtures.prompt("Once upon a time " + id, heldOut, FRACTION), responses);
    }

    @Test
    @Order(1)
    void feedbackBeforeItsRolloutWaitsAndIsJoinedWhenTheRolloutArrives() {
        RolloutGenerated heldOut = rollout(true, STORIES);
        long comparisonsBefore = stats.comparisons.get();
        produce(Fixtures.ranking(UUID.randomUUID().toString(), heldOut, 0, 1, 3, 2));
        awaitTrue(() -> stats.pendingFeedback == 1, "the feedback waits for its rollout");
        assertEquals(comparisonsBefore, stats.comparisons.get());

        produce(heldOut);

        awaitTrue(() -> stats.pendingFeedback == 0 && stats.comparisons.get() == comparisonsBefore + 6,
                "joined into 6 comparisons");
        assertTrue(stats.heldOutPairs >= 6, "held-out pairs " + stats.heldOutPairs);
    }

    @Test
    @Order(2)
    void aRankingTrainsTheModelAndAVersionIsPublished() throws Exception {
        RolloutGenerated train = rollout(false, STORIES);
        produce(train);
        produce(Fixtures.ranking(UUID.randomUUID().toString(), train, 0, 1, 3, 2));

        RewardModelPublished published = parse(TestTopics.await(Topics.REWARD_MODELS,
                r -> Topics.REWARD_MODEL_KEY.equals(r.key()), TIMEOUT));

        assertTrue(published.getVersion() >= 1, "version " + published.getVersion());
        assertTrue(published.getHeldoutPairs() >= 6, "held-out pairs " + published.getHeldoutPairs());
        assertTrue(published.getHeldoutAccuracy() >= 0 && published.getHeldoutAccuracy() <= 1);
        for (String metric : new String[] {"loss", "accuracy", "margin", "pairs"}) {
            assertTrue(published.getMetricsMap().containsKey(metric), metric + " in " + published.getMetricsMap());
        }
        assertTrue(published.getMetricsMap().get("pairs") >= 6);
        assertFalse(published.getLineageList().isEmpty(), "lineage names the feedback");
        for (OffsetRange r : published.getLineageList()) {
            assertEquals(Topics.FEEDBACK, r.getTopic());
            assertTrue(r.getToOffset() >= r.getFromOffset());
        }
        Path dir = Path.of(URI.create(published.getCheckpointUri()));
        assertTrue(Files.isRegularFile(dir.resolve(CheckpointStore.WEIGHTS_FILE)), dir.toString());
        assertEquals(Sha256.of(dir.resolve(CheckpointStore.MANIFEST_FILE)), published.getSha256());
        CheckpointStore.verify(dir);
        awaitTrue(() -> stats.publishedVersion == published.getVersion(), "the service serves the version");
    }

    @Test
    @Order(3)
    void aRepeatedEventIdIsCountedOnce() {
        RolloutGenerated train = rollout(false, STORIES);
        produce(train);
        awaitTrue(() -> stats.pendingFeedback == 0, "rollout indexed");
        long comparisons = stats.comparisons.get();
        long duplicates = stats.feedbackDuplicates.get();
        FeedbackRecorded feedback = Fixtures.ranking(UUID.randomUUID().toString(), train, 3, 2, 1, 0);
        produce(feedback);
        produce(feedback);
        produce(feedback.toBuilder().setComment("resent with the same id").build());

        awaitTrue(() -> stats.feedbackDuplicates.get() == duplicates + 2, "two duplicates seen");
        assertEquals(comparisons + 6, stats.comparisons.get(), "one ranking of 4 counted once");
    }

    @Test
    @Order(4)
    void everyRolloutIsScoredWithOneRewardPerResponseInOrder() throws Exception {
        RolloutGenerated r = rollout(false, "Tom was happy.", "Lily was sad.", "The dog ran.");
        produce(r);

        RolloutScored scored = RolloutScored.parseFrom(TestTopics.await(Topics.REWARDS,
                x -> r.getPromptId().equals(x.key()), TIMEOUT).value());

        assertEquals(r, scored.getRollout());
        assertTrue(scored.getRewardModelVersion() >= 1);
        assertEquals(3, scored.getRewardsCount());
        for (int i = 0; i < 3; i++) {
            assertEquals(r.getResponses(i).getResponseId(), scored.getRewards(i).getResponseId());
            assertTrue(Float.isFinite(scored.getRewards(i).getReward()));
        }
        assertFalse(scored.getEventId().isEmpty());
    }

    @Test
    @Order(5)
    void poisonRecordsGoToTheDeadLetterTopicsAndTheNextOnesAreProcessed() {
        String feedbackPoison = "poison-" + UUID.randomUUID();
        TestTopics.produce(Topics.FEEDBACK, feedbackPoison, "not a protobuf \u0000\u00ff".getBytes(StandardCharsets.UTF_8));
        String rolloutPoison = "poison-" + UUID.randomUUID();
        TestTopics.produce(Topics.ROLLOUTS, rolloutPoison, RolloutGenerated.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setRolloutId("no-responses").build().toByteArray());
        RolloutGenerated good = rollout(false, STORIES);
        produce(good);
        long received = stats.feedbackReceived.get();
        produce(Fixtures.ranking(UUID.randomUUID().toString(), good, 1, 0, 2, 3));

        assertReason(TestTopics.await(Topics.FEEDBACK_DLQ, r -> feedbackPoison.equals(r.key()), TIMEOUT), "protobuf");
        assertReason(TestTopics.await(Topics.ROLLOUTS_DLQ, r -> rolloutPoison.equals(r.key()), TIMEOUT), "responses is empty");
        awaitTrue(() -> stats.feedbackReceived.get() == received + 1, "the next feedback is processed");
        TestTopics.await(Topics.REWARDS, r -> good.getPromptId().equals(r.key()), TIMEOUT);
    }

    @Test
    @Order(6)
    void grpcScoreBatchAnswersAndRejectsBadArgumentsNamingTheField() {
        ScoreBatchResponse response = grpc.scoreBatch(ScoreBatchRequest.newBuilder()
                .addItems(ScoreItem.newBuilder().setPrompt("Once upon a time").setResponse(STORIES[0]))
                .addItems(ScoreItem.newBuilder().setPrompt("Once upon a time").setResponse(STORIES[2]))
                .addItems(ScoreItem.newBuilder().setPrompt("").setResponse("")).build());
        assertEquals(3, response.getRewardsCount());
        assertEquals(stats.publishedVersion, response.getRewardModelVersion());
        assertTrue(response.getRewardsList().stream().allMatch(Float::isFinite));

        assertInvalid("items:", ScoreBatchRequest.getDefaultInstance());
        assertInvalid("items[1].response:", ScoreBatchRequest.newBuilder()
                .addItems(ScoreItem.newBuilder().setPrompt("a").setResponse("b"))
                .addItems(ScoreItem.newBuilder().setPrompt("a").setResponse("x".repeat(8001))).build());
        assertInvalid("items[0].prompt:", ScoreBatchRequest.newBuilder()
                .addItems(ScoreItem.newBuilder().setPrompt("x".repeat(8001))).build());
    }

    @Test
    @Order(7)
    void readyAndMetricsExposed() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("feedloop-reward"), ready.body());
        String body = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String name : new String[] {"feedloop_reward_accuracy_heldout", "feedloop_reward_comparisons_total",
                "feedloop_reward_rollouts_scored_total", "feedloop_reward_buffer_pending_feedback",
                "feedloop_reward_buffer_replay_pairs", "feedloop_reward_training_steps_total",
                "feedloop_reward_training_loss", "feedloop_reward_model_version"}) {
            assertTrue(body.contains(name), name + " missing from /q/metrics");
        }
    }

    private void assertInvalid(String fieldPrefix, ScoreBatchRequest request) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> grpc.scoreBatch(request));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith(fieldPrefix), e.getStatus().getDescription());
    }

    private static void assertReason(ConsumerRecord<String, byte[]> dead, String contains) {
        Header reason = dead.headers().lastHeader("dead-letter-reason");
        assertNotNull(reason, "dead-letter-reason header");
        String text = new String(reason.value(), StandardCharsets.UTF_8);
        assertTrue(text.contains(contains), text);
    }

    private static void produce(RolloutGenerated r) {
        TestTopics.produce(Topics.ROLLOUTS, r.getPromptId(), r.toByteArray());
    }

    private static void produce(FeedbackRecorded f) {
        TestTopics.produce(Topics.FEEDBACK, f.getPromptId(), f.toByteArray());
    }

    private static RewardModelPublished parse(ConsumerRecord<String, byte[]> r) throws InvalidProtocolBufferException {
        return RewardModelPublished.parseFrom(r.value());
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
