package dev.feedloop.labeling;

import static dev.feedloop.labeling.Fixtures.id;
import static dev.feedloop.labeling.Fixtures.rollout;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Score;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.events.v1.Tier;
import dev.feedloop.contracts.kafka.ProtobufDeserializer;
import dev.feedloop.contracts.labeling.v1.LabelingGrpc;
import dev.feedloop.contracts.labeling.v1.NextTaskRequest;
import dev.feedloop.contracts.labeling.v1.SubmitFeedbackRequest;
import dev.feedloop.contracts.labeling.v1.SubmitFeedbackResponse;
import dev.feedloop.contracts.labeling.v1.Task;
import dev.feedloop.kafka.KafkaTestResource;
import dev.feedloop.labeling.task.OpenTask;
import dev.feedloop.labeling.task.ReplayTracker;
import dev.feedloop.labeling.task.TaskQueue;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service against the real embedded broker: rollouts in, tasks out, feedback through gRPC and
 * REST, FeedbackRecorded read back from the topic. Rollouts that no test needs as a task are
 * PRODUCTION rollouts (known, never queued), so tests do not see each other's tasks.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class LabelingServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @GrpcClient("labeling")
    LabelingGrpc.LabelingBlockingStub labeling;

    @Inject
    TaskQueue queue;

    @Inject
    ReplayTracker replay;

    @BeforeEach
    void replayed() {
        await().atMost(WAIT).until(replay::caughtUp);  // calls are refused (UNAVAILABLE) until then
    }

    private LabelingGrpc.LabelingBlockingStub as(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return labeling.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Produces a rollout and waits until the service has it. */
    private RolloutGenerated published(Source source) {
        RolloutGenerated rollout = rollout(id("r"), 3, source);
        TestKafka.send(Topics.ROLLOUTS, rollout.getPromptId(), rollout);
        await().atMost(WAIT).until(() -> queue.rollout(rollout.getRolloutId()).isPresent());
        return rollout;
    }

    private static List<FeedbackRecorded> feedbackEvents(String eventId) {
        return TestKafka.readAll(Topics.FEEDBACK).stream()
                .map(r -> ProtobufDeserializer.parse(FeedbackRecorded.parser(), r.value(), r.headers()))
                .filter(e -> e.getEventId().equals(eventId)).toList();
    }

    private static String scoreJson(String eventId, String rolloutId, String responseId, int value, String comment) {
        return """
                {"eventId":"%s","rolloutId":"%s","comment":"%s","score":{"responseId":"%s","value":%d}}"""
                .formatted(eventId, rolloutId, comment, responseId, value);
    }

    @Test
    void aRolloutBecomesATaskAndFeedbackThroughGrpcAndRestIsRecorded() {
        RolloutGenerated rollout = published(Source.CURATED);
        String r = rollout.getRolloutId();

        // alice through gRPC: task, then a ranking with a tie
        Task task = as("token-alice").nextTask(NextTaskRequest.getDefaultInstance()).getTask();
        assertEquals(r, task.getRolloutId());
        assertEquals(List.of(r + "/0", r + "/1", r + "/2"), task.getResponsesList().stream().map(x -> x.getResponseId()).toList());
        assertTrue(task.getLeaseExpiresAt().getSeconds() > 0);
        String grpcEvent = id("e");
        SubmitFeedbackResponse accepted = as("token-alice").submitFeedback(SubmitFeedbackRequest.newBuilder()
                .setEventId(grpcEvent).setRolloutId(r).setComment("2 is best")
                .setRanking(dev.feedloop.contracts.events.v1.Ranking.newBuilder()
                        .addTiers(Tier.newBuilder().addResponseIds(r + "/2"))
                        .addTiers(Tier.newBuilder().addResponseIds(r + "/0").addResponseIds(r + "/1")))
                .build());
        assertTrue(accepted.getAccepted());
        assertFalse(accepted.getDuplicate());

        // bob through REST: the same task (quorum 2), then a score
        given().header("Authorization", "Bearer token-bob").when().get("/api/v1/tasks/next")
                .then().statusCode(200).body("rolloutId", equalTo(r)).body("responses.responseId", hasItems(r + "/0", r + "/2"));
        String restEvent = id("e");
        given().header("Authorization", "Bearer token-bob").contentType(ContentType.JSON)
                .body(scoreJson(restEvent, r, r + "/1", 6, "fine")).when().post("/api/v1/feedback")
                .then().statusCode(200).body("accepted", equalTo(true)).body("duplicate", equalTo(false));

        FeedbackRecorded ranking = feedbackEvents(grpcEvent).get(0);  // acknowledged before the call returned
        assertEquals(rollout.getPromptId(), ranking.getPromptId());
        assertEquals("alice", ranking.getAnnotator());
        assertEquals(Source.ANNOTATOR, ranking.getSource());
        assertEquals(List.of(r + "/0", r + "/1"), ranking.getRanking().getTiers(1).getResponseIdsList());
        assertEquals("2 is best", ranking.getComment());
        FeedbackRecorded score = feedbackEvents(restEvent).get(0);
        assertEquals("bob", score.getAnnotator());
        assertEquals(6, score.getScore().getValue());
        assertEquals(r, score.getTaskId());

        assertFalse(queue.openTasks().stream().anyMatch(t -> t.taskId().equals(r)), "quorum 2 reached: task closed");
    }

    @Test
    void errorsNameTheFieldInGrpcAndRest() {
        String r = published(Source.PRODUCTION).getRolloutId();

        // unknown rollout / response: NOT_FOUND, 404
        var unknown = assertThrows(StatusRuntimeException.class, () -> as("token-alice").submitFeedback(SubmitFeedbackRequest
                .newBuilder().setEventId(id("e")).setRolloutId("nope").setScore(Score.newBuilder().setResponseId("x").setValue(3)).build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        assertTrue(unknown.getStatus().getDescription().contains("rollout_id"));
        given().header("Authorization", "Bearer token-alice").contentType(ContentType.JSON)
                .body(scoreJson(id("e"), r, r + "/7", 3, "")).when().post("/api/v1/feedback")
                .then().statusCode(404).body("field", equalTo("score.response_id"));

        // a ranking that is not an ordering: INVALID_ARGUMENT, 400 saying what is wrong
        var ranking = assertThrows(StatusRuntimeException.class, () -> as("token-alice").submitFeedback(SubmitFeedbackRequest
                .newBuilder().setEventId(id("e")).setRolloutId(r).setRanking(dev.feedloop.contracts.events.v1.Ranking.newBuilder()
                        .addTiers(Tier.newBuilder().addResponseIds(r + "/0").addResponseIds(r + "/0"))).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, ranking.getStatus().getCode());
        assertTrue(ranking.getStatus().getDescription().contains("missing [" + r + "/1, " + r + "/2]; duplicated [" + r + "/0]"),
                ranking.getStatus().getDescription());
        given().header("Authorization", "Bearer token-alice").contentType(ContentType.JSON)
                .body("{\"eventId\":\"%s\",\"rolloutId\":\"%s\",\"ranking\":{\"tiers\":[[\"%s/0\",\"%s/1\"],[\"zzz\"]]}}"
                        .formatted(id("e"), r, r, r))
                .when().post("/api/v1/feedback")
                .then().statusCode(400).body("field", equalTo("ranking")).body("message", containsString("not in the rollout [zzz]"));

        // score outside 1–7: 400 naming score.value
        given().header("Authorization", "Bearer token-alice").contentType(ContentType.JSON)
                .body(scoreJson(id("e"), r, r + "/0", 9, "")).when().post("/api/v1/feedback")
                .then().statusCode(400).body("code", equalTo("INVALID_ARGUMENT")).body("field", equalTo("score.value"));
        var score = assertThrows(StatusRuntimeException.class, () -> as("token-alice").submitFeedback(SubmitFeedbackRequest
                .newBuilder().setEventId(id("e")).setRolloutId(r).setScore(Score.newBuilder().setResponseId(r + "/0").setValue(0)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, score.getStatus().getCode());
        assertTrue(score.getStatus().getDescription().startsWith("score.value"));

        // an over-long comment (limit 100 in tests): 413 / RESOURCE_EXHAUSTED
        given().header("Authorization", "Bearer token-alice").contentType(ContentType.JSON)
                .body(scoreJson(id("e"), r, r + "/0", 3, "x".repeat(101))).when().post("/api/v1/feedback")
                .then().statusCode(413).body("field", equalTo("comment"));
        var comment = assertThrows(StatusRuntimeException.class, () -> as("token-alice").submitFeedback(SubmitFeedbackRequest
                .newBuilder().setEventId(id("e")).setRolloutId(r).setComment("x".repeat(101))
                .setScore(Score.newBuilder().setResponseId(r + "/0").setValue(3)).build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, comment.getStatus().getCode());

        // anonymous or unknown: 401 / UNAUTHENTICATED
        given().contentType(ContentType.JSON).body(scoreJson(id("e"), r, r + "/0", 3, ""))
                .when().post("/api/v1/feedback").then().statusCode(401).header("WWW-Authenticate", "Bearer");
        given().header("Authorization", "Bearer wrong").when().get("/api/v1/tasks/next").then().statusCode(401);
        var anonymous = assertThrows(StatusRuntimeException.class, () -> labeling.nextTask(NextTaskRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, anonymous.getStatus().getCode());

        // the production token: thumbs only, no tasks
        given().header("Authorization", "Bearer token-production").when().get("/api/v1/tasks/next").then().statusCode(403);
    }

    @Test
    void theSameFeedbackTwiceIsOneEvent() {
        String r = published(Source.PRODUCTION).getRolloutId();
        String eventId = id("e");
        String body = """
                {"eventId":"%s","rolloutId":"%s","userId":"jane@example.com","thumb":{"responseId":"%s/1","up":true}}"""
                .formatted(eventId, r, r);
        for (boolean duplicate : new boolean[] {false, true}) {
            given().header("Authorization", "Bearer token-production").contentType(ContentType.JSON).body(body)
                    .when().post("/api/v1/feedback")
                    .then().statusCode(200).body("accepted", equalTo(true)).body("duplicate", equalTo(duplicate));
        }
        SubmitFeedbackResponse third = as("token-production").submitFeedback(SubmitFeedbackRequest.newBuilder()
                .setEventId(eventId).setRolloutId(r).setUserId("jane@example.com")
                .setThumb(dev.feedloop.contracts.events.v1.Thumb.newBuilder().setResponseId(r + "/1").setUp(true)).build());
        assertTrue(third.getDuplicate());

        List<FeedbackRecorded> events = feedbackEvents(eventId);
        assertEquals(1, events.size());
        assertEquals(Source.PRODUCTION, events.get(0).getSource());
        assertTrue(events.get(0).getAnnotator().matches("user:[0-9a-f]{64}"));
        assertFalse(events.get(0).toString().contains("jane"), "the raw user id is never stored");
    }

    @Test
    void aPoisonRolloutGoesToTheDeadLetterTopicAndTheNextOneIsStillProcessed() {
        String key = id("poison");
        byte[] poison = "definitely not protobuf".getBytes(StandardCharsets.UTF_8);
        TestKafka.sendRaw(Topics.ROLLOUTS, key, poison);
        RolloutGenerated good = rollout(id("r"), 2, Source.PRODUCTION);
        TestKafka.send(Topics.ROLLOUTS, key, good);

        await().atMost(WAIT).until(() -> queue.rollout(good.getRolloutId()).isPresent());
        await().atMost(WAIT).untilAsserted(() -> {
            ConsumerRecord<String, byte[]> dead = TestKafka.readAll(Topics.ROLLOUTS_DLQ).stream()
                    .filter(rec -> key.equals(rec.key())).findFirst().orElseThrow();
            assertEquals("definitely not protobuf", new String(dead.value(), StandardCharsets.UTF_8));
            String reason = new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
            assertTrue(reason.contains("protobuf") || reason.contains("event_id"), reason);
            assertEquals(Topics.ROLLOUTS, new String(dead.headers().lastHeader("dead-letter-topic").value(), StandardCharsets.UTF_8));
        });
    }

    @Test
    void anExpiredLeaseReturnsTheTask() {
        String r = published(Source.CURATED).getRolloutId();
        Task carol = as("token-carol").nextTask(NextTaskRequest.getDefaultInstance()).getTask();
        assertEquals(r, carol.getRolloutId());
        assertFalse(as("token-sim").nextTask(NextTaskRequest.getDefaultInstance()).hasTask(), "carol holds the lease");

        // the test lease is 3 s
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                given().header("Authorization", "Bearer token-sim").when().get("/api/v1/tasks/next")
                        .then().statusCode(200).body("rolloutId", equalTo(r)));

        // close it: sim-1 (SIMULATED) and carol make the quorum of 2
        label(r, "token-sim", "token-carol");
        assertFalse(queue.openTasks().stream().anyMatch(t -> t.taskId().equals(r)));
    }

    /** A fresh queue fed from both topics from the beginning ends with the service's open tasks. */
    @Test
    void aQueueRebuiltFromTheTopicsHasTheSameOpenTasks() {
        String half = published(Source.CURATED).getRolloutId();   // stays open with one label
        String unlabeled = published(Source.CURATED).getRolloutId();
        given().header("Authorization", "Bearer token-alice").contentType(ContentType.JSON)
                .body(scoreJson(id("e"), half, half + "/0", 5, "")).when().post("/api/v1/feedback").then().statusCode(200);

        TaskQueue rebuilt = new TaskQueue(2, Duration.ofSeconds(2), false);
        for (ConsumerRecord<String, byte[]> record : TestKafka.readAll(Topics.FEEDBACK)) {  // feedback first: any order works
            rebuilt.record(ProtobufDeserializer.parse(FeedbackRecorded.parser(), record.value(), record.headers()));
        }
        int rollouts = 0;
        for (ConsumerRecord<String, byte[]> record : TestKafka.readAll(Topics.ROLLOUTS)) {
            try {
                rebuilt.offer(ProtobufDeserializer.parse(RolloutGenerated.parser(), record.value(), record.headers()));
                rollouts++;
            } catch (ProtobufDeserializer.InvalidEventException deadLetter) {
                // the service sent it to the DLQ; so does the rebuild
            }
        }
        await().atMost(WAIT).until(() -> queue.feedbackCount() == rebuilt.feedbackCount());
        Set<OpenTask> open = Set.copyOf(rebuilt.openTasks());
        assertEquals(Set.copyOf(queue.openTasks()), open);
        assertEquals(queue.openTasks().size(), rebuilt.openTasks().size(), "nothing twice");
        assertEquals(queue.rolloutCount(), rollouts);
        assertTrue(open.contains(new OpenTask(half, Set.of("alice"), 1)), open.toString());
        assertTrue(open.contains(new OpenTask(unlabeled, Set.of(), 2)), open.toString());

        // leave no open task behind for the other tests
        label(half, "token-bob");
        label(unlabeled, "token-alice", "token-bob");
    }

    private static void label(String rolloutId, String... tokens) {
        for (String token : tokens) {
            given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                    .body(scoreJson(id("e"), rolloutId, rolloutId + "/0", 4, "")).when().post("/api/v1/feedback")
                    .then().statusCode(200);
        }
    }

    @Test
    void readinessIsUp() {
        given().when().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItems("task-queue"));
    }
}
