package dev.feedloop.generator.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.events.v1.PromptSubmitted;
import dev.feedloop.contracts.events.v1.SamplingParams;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.generator.v1.GenerateRequest;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {

    private final RequestValidator validator = new RequestValidator(
            new RequestValidator.Limits(4, 1.0f, 1.0f, 0, 64, 256, 100));

    @Test
    void zeroFieldsTakeTheDefaults() {
        PromptRequest r = validator.fromEvent(PromptSubmitted.newBuilder().setEventId("e").setPromptId("p")
                .setText("Once upon a time").build());
        assertEquals(4, r.k());
        assertEquals(1.0f, r.sampling().temperature());
        assertEquals(1.0f, r.sampling().topP());
        assertEquals(64, r.sampling().maxNewTokens());
        assertEquals(Source.CURATED, r.source());
        assertFalse(r.seeded());
    }

    @Test
    void explicitValuesWin() {
        PromptRequest r = validator.fromEvent(PromptSubmitted.newBuilder().setEventId("e").setPromptId("p")
                .setNumResponses(9).setSource(Source.IMPORT)
                .setSampling(SamplingParams.newBuilder().setTemperature(0.7f).setTopP(0.9f).setTopK(5)
                        .setMaxNewTokens(8).setSeed(42)).build());
        assertEquals(9, r.k());
        assertEquals(new dev.feedloop.ml.sampling.SamplingParams(0.7f, 0.9f, 5, 8, 42), r.sampling());
        assertEquals(Source.IMPORT, r.source());
        assertTrue(r.seeded());
    }

    @Test
    void grpcDefaultsToOneResponseAndProductionSource() {
        PromptRequest r = validator.fromGrpc(GenerateRequest.newBuilder().setPrompt("Hi").build());
        assertEquals(1, r.k());
        assertEquals(Source.PRODUCTION, r.source());
        assertFalse(r.promptId().isEmpty());
    }

    @Test
    void outOfRangeValuesNameTheirField() {
        assertEquals("n", field(() -> validator.fromGrpc(GenerateRequest.newBuilder().setN(65).build())));
        assertEquals("num_responses", field(() -> validator.fromEvent(PromptSubmitted.newBuilder()
                .setPromptId("p").setNumResponses(100).build())));
        assertEquals("prompt", field(() -> validator.fromGrpc(GenerateRequest.newBuilder().setPrompt("x".repeat(101)).build())));
        assertEquals("sampling.top_p", field(() -> validator.fromGrpc(GenerateRequest.newBuilder()
                .setSampling(SamplingParams.newBuilder().setTopP(1.5f)).build())));
        assertEquals("sampling.temperature", field(() -> validator.fromGrpc(GenerateRequest.newBuilder()
                .setSampling(SamplingParams.newBuilder().setTemperature(-1f)).build())));
        assertEquals("sampling.max_new_tokens", field(() -> validator.fromGrpc(GenerateRequest.newBuilder()
                .setSampling(SamplingParams.newBuilder().setMaxNewTokens(257)).build())));
        assertEquals("prompt_id", field(() -> validator.fromEvent(PromptSubmitted.newBuilder().build())));
    }

    @Test
    void badDefaultsNameTheConfigKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RequestValidator.Limits(65, 1f, 1f, 0, 64, 256, 100));
        assertTrue(e.getMessage().startsWith("feedloop.generator.samples-per-prompt = 65"), e.getMessage());
    }

    private static String field(Runnable call) {
        return assertThrows(InvalidRequestException.class, call::run).field();
    }
}
