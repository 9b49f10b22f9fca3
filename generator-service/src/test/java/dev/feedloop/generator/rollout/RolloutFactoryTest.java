package dev.feedloop.generator.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.feedloop.contracts.events.v1.FinishReason;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.ml.sampling.Generation;
import dev.feedloop.ml.sampling.SamplingParams;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutFactoryTest {

    @Test
    void buildsOneResponsePerGenerationWithItsTokensAndLogprobs() {
        SamplingParams params = new SamplingParams(0.8f, 0.95f, 10, 3, 7);
        PromptRequest request = new PromptRequest("p-1", "Hi", Source.CURATED, 2, params, true);
        List<Generation> gens = List.of(
                new Generation(0, 0, new int[] {1, 40}, new int[] {5, 6, 2}, new float[] {-0.5f, -1f, -0.25f},
                        "ab", dev.feedloop.ml.sampling.FinishReason.EOS),
                new Generation(0, 1, new int[] {1, 40}, new int[] {8, 9, 10}, new float[] {-2f, -0.1f, -3f},
                        "cde", dev.feedloop.ml.sampling.FinishReason.LENGTH));
        Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05.5Z"), ZoneOffset.UTC);

        RolloutGenerated r = new RolloutFactory(clock).create(request, gens, 3, params);

        assertEquals("p-1", r.getPromptId());
        assertEquals("Hi", r.getPromptText());
        assertEquals(List.of(1, 40), r.getPromptTokensList());
        assertEquals(3, r.getPolicyVersion());
        assertEquals(Source.CURATED, r.getSource());
        assertEquals(1767323045L, r.getCreatedAt().getSeconds());
        assertEquals(0.8f, r.getSampling().getTemperature());
        assertEquals(0.95f, r.getSampling().getTopP());
        assertEquals(10, r.getSampling().getTopK());
        assertEquals(3, r.getSampling().getMaxNewTokens());
        assertEquals(7, r.getSampling().getSeed());
        assertNotEquals(r.getEventId(), r.getRolloutId());
        assertEquals(2, r.getResponsesCount());
        assertEquals(r.getRolloutId() + "/0", r.getResponses(0).getResponseId());
        assertEquals(r.getRolloutId() + "/1", r.getResponses(1).getResponseId());
        assertEquals(List.of(5, 6, 2), r.getResponses(0).getTokenIdsList());
        assertEquals(List.of(-0.5f, -1f, -0.25f), r.getResponses(0).getLogprobsList());
        assertEquals(FinishReason.EOS, r.getResponses(0).getFinishReason());
        assertEquals(FinishReason.LENGTH, r.getResponses(1).getFinishReason());
        assertEquals("cde", r.getResponses(1).getText());
    }
}
