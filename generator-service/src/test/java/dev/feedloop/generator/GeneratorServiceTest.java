package dev.feedloop.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.feedloop.contracts.Topics;
import dev.feedloop.contracts.events.v1.PolicyPublished;
import dev.feedloop.contracts.events.v1.PromptSubmitted;
import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.generator.v1.GenerateRequest;
import dev.feedloop.contracts.generator.v1.GenerateResponse;
import dev.feedloop.contracts.generator.v1.GeneratorGrpc;
import dev.feedloop.generator.policy.PolicyFiles;
import dev.feedloop.generator.policy.PolicyHolder;
import dev.feedloop.generator.policy.PolicyLoader;
import dev.feedloop.kafka.KafkaTestResource;
import dev.feedloop.ml.checkpoint.CheckpointStore;
import dev.feedloop.ml.checkpoint.Llama2cCheckpoint;
import dev.feedloop.ml.model.LlamaModel;
import ai.djl.ndarray.NDManager;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** The generator against the real embedded broker: prompts in, rollouts out, policies swapped, poison to the DLQ. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class GeneratorServiceTest {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final Path MODEL = Path.of("../data/models/stories260K/stories260K.bin").toAbsolutePath().normalize();
    static final Path TOKENIZER = Path.of("../data/models/stories260K/tok512.bin").toAbsolutePath().normalize();

    @GrpcClient("generator")
    GeneratorGrpc.GeneratorBlockingStub grpc;
    @Inject
    PolicyHolder holder;
    @Inject
    MeterRegistry registry;
    @TestHTTPResource("/q/health/ready")
    URI readiness;
    @TestHTTPResource("/q/metrics")
    URI metrics;

    @Test
    void aPromptBecomesARolloutWithKResponses() {
        String promptId = "prompt-" + UUID.randomUUID();
        submitPrompt(promptId, "Once upon a time", 5);

        RolloutGenerated rollout = awaitRollout(promptId);

        assertEquals(holder.currentVersion(), rollout.getPolicyVersion());
        assertEquals(5, rollout.getResponsesCount());
        assertEquals(Source.CURATED, rollout.getSource());
        assertEquals("Once upon a time", rollout.getPromptText());
        assertEquals(1, rollout.getPromptTokens(0), "BOS first");
        assertEquals(1.0f, rollout.getSampling().getTemperature());
        assertEquals(16, rollout.getSampling().getMaxNewTokens());
        for (Response r : rollout.getResponsesList()) {
            assertTrue(r.getTokenIdsCount() >= 1 && r.getTokenIdsCount() <= 16, r.toString());
            assertEquals(r.getTokenIdsCount(), r.getLogprobsCount());
            for (float lp : r.getLogprobsList()) {
                assertTrue(lp <= 0 && Float.isFinite(lp), "log-prob " + lp);
            }
            assertTrue(r.getResponseId().startsWith(rollout.getRolloutId() + "/"));
        }
    }

    @Test
    void grpcGenerateAnswersAndPublishesAProductionRollout() {
        GenerateResponse response = grpc.generate(GenerateRequest.newBuilder().setPrompt("The cat").setN(3).build());

        assertEquals(3, response.getResponsesCount());
        assertEquals(holder.currentVersion(), response.getPolicyVersion());
        RolloutGenerated rollout = awaitRollout(response.getPromptId());
        assertEquals(response.getRolloutId(), rollout.getRolloutId());
        assertEquals(Source.PRODUCTION, rollout.getSource());
        assertEquals(response.getResponsesList(), rollout.getResponsesList());
    }

    @Test
    void grpcRejectsBadArgumentsNamingTheField() {
        assertInvalid("n", GenerateRequest.newBuilder().setPrompt("x").setN(65).build());
        assertInvalid("prompt", GenerateRequest.newBuilder().setPrompt("x".repeat(4001)).build());
        assertInvalid("sampling.top_p", GenerateRequest.newBuilder().setPrompt("x")
                .setSampling(dev.feedloop.contracts.events.v1.SamplingParams.newBuilder().setTopP(2f)).build());
    }

    @Test
    void aPublishedVersionIsServedAndABadHashIsRefused(@org.junit.jupiter.api.io.TempDir Path tmp) {
        long next = holder.newestVersion() + 1;
        Path dir = tmp.resolve("policy-" + next);
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = Llama2cCheckpoint.load(MODEL, m)) {
            CheckpointStore.write(dir, model.config(), new LinkedHashMap<>(model.weights()), TOKENIZER,
                    Map.of("policy_version", String.valueOf(next)));
        }
        publishPolicy(next, dir.toUri().toString(), PolicyFiles.expectedSha256(dir));
        awaitTrue(() -> holder.currentVersion() == next, "version " + next + " served");

        String promptId = "prompt-" + UUID.randomUUID();
        submitPrompt(promptId, "Lily", 2);
        assertEquals(next, awaitRollout(promptId).getPolicyVersion());

        double refusedBefore = refused();
        publishPolicy(next + 1, dir.toString(), "0".repeat(64));
        awaitTrue(() -> refused() == refusedBefore + 1, "version " + (next + 1) + " refused");

        String after = "prompt-" + UUID.randomUUID();
        submitPrompt(after, "Tom", 2);
        assertEquals(next, awaitRollout(after).getPolicyVersion(), "the old version still serves");
        assertEquals(next, holder.currentVersion());
    }

    @Test
    void aPoisonPromptGoesToTheDeadLetterTopicAndTheNextOneIsServed() {
        String poisonKey = "poison-" + UUID.randomUUID();
        TestTopics.produce(Topics.PROMPTS, poisonKey, "not a protobuf \u0000\u00ff".getBytes(StandardCharsets.UTF_8));
        String good = "prompt-" + UUID.randomUUID();
        submitPrompt(good, "A dog", 1);

        ConsumerRecord<String, byte[]> dead = TestTopics.await(Topics.PROMPTS_DLQ, r -> poisonKey.equals(r.key()), TIMEOUT);
        Header reason = dead.headers().lastHeader("dead-letter-reason");
        assertNotNull(reason, "dead-letter-reason header");
        assertTrue(new String(reason.value(), StandardCharsets.UTF_8).length() > 0);
        assertEquals(1, awaitRollout(good).getResponsesCount());
    }

    @Test
    void readyAndMetricsExposed() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("feedloop-generator"), ready.body());
        grpc.generate(GenerateRequest.newBuilder().setPrompt("Hi").build());
        String body = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String name : new String[] {"feedloop_generator_tokens_total", "feedloop_generator_policy_version",
                "feedloop_generator_batch_seconds", "feedloop_generator_batch_sequences", "feedloop_generator_policy_refused_total"}) {
            assertTrue(body.contains(name), name + " missing from /q/metrics");
        }
    }

    private void assertInvalid(String field, GenerateRequest request) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> grpc.generate(request));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith(field + ":"), e.getStatus().getDescription());
    }

    private static void submitPrompt(String promptId, String text, int k) {
        TestTopics.produce(Topics.PROMPTS, promptId, PromptSubmitted.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setPromptId(promptId).setText(text)
                .setSource(Source.CURATED).setNumResponses(k).build().toByteArray());
    }

    private static void publishPolicy(long version, String uri, String sha256) {
        TestTopics.produce(Topics.POLICIES, Topics.POLICY_KEY, PolicyPublished.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setVersion(version).setParentVersion(version - 1)
                .setCheckpointUri(uri).setSha256(sha256).build().toByteArray());
    }

    private static RolloutGenerated awaitRollout(String promptId) {
        ConsumerRecord<String, byte[]> record = TestTopics.await(Topics.ROLLOUTS, r -> promptId.equals(r.key()), TIMEOUT);
        try {
            return RolloutGenerated.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private double refused() {
        return registry.get(PolicyLoader.REFUSED_METRIC).counter().count();
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
