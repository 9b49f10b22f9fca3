package dev.feedloop.trainer.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.ResponseReward;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.RolloutScored;
import dev.feedloop.contracts.events.v1.SamplingParams;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutDecoderTest {

    final RolloutDecoder decoder = new RolloutDecoder(512, 16);

    static RolloutScored.Builder event() {
        RolloutGenerated rollout = RolloutGenerated.newBuilder().setRolloutId("r1").setPromptId("p1")
                .addAllPromptTokens(List.of(1, 400))
                .addResponses(Response.newBuilder().setResponseId("r1/0").addAllTokenIds(List.of(5, 6)).addAllLogprobs(List.of(-1f, -0.5f)))
                .addResponses(Response.newBuilder().setResponseId("r1/1").addAllTokenIds(List.of(2)).addAllLogprobs(List.of(-2f)))
                .setPolicyVersion(3).setSampling(SamplingParams.newBuilder().setTemperature(1f)).build();
        return RolloutScored.newBuilder().setEventId("e1").setRollout(rollout).setRewardModelVersion(7)
                .addRewards(ResponseReward.newBuilder().setResponseId("r1/0").setReward(0.5f))
                .addRewards(ResponseReward.newBuilder().setResponseId("r1/1").setReward(-1f));
    }

    @Test
    void aValidEventBecomesOneGroupOfScoredResponses() {
        DecodedRollout d = decoder.decode(event().build().toByteArray(), "feedloop.events.v1.RolloutScored");

        assertEquals("r1", d.rolloutId());
        assertEquals(3, d.policyVersion());
        assertEquals(7, d.rewardModelVersion());
        assertEquals(1f, d.logProbTemperature());
        assertEquals(2, d.responses().size());
        assertArrayEquals(new int[] {1, 400}, d.responses().get(0).prompt());
        assertArrayEquals(new int[] {5, 6}, d.responses().get(0).response());
        assertArrayEquals(new float[] {-1f, -0.5f}, d.responses().get(0).behaviourLogprobs());
        assertEquals(0.5f, d.responses().get(0).score());
        assertEquals(-1f, d.responses().get(1).score());
        assertEquals("r1", d.responses().get(1).groupId());
    }

    @Test
    void greedyRolloutsCarryLogProbsAtTemperatureOne() {
        RolloutScored.Builder b = event();
        b.getRolloutBuilder().setSampling(SamplingParams.newBuilder().setTemperature(0f));
        assertEquals(1f, decoder.decode(b.build()).logProbTemperature());
    }

    @Test
    void eachDefectIsRefusedWithItsReason() {
        assertReason("not a protobuf message", "garbage".getBytes(StandardCharsets.UTF_8));
        assertReason("embeds no rollout", RolloutScored.newBuilder().setEventId("e").build().toByteArray());
        RolloutScored.Builder rewards = event();
        rewards.removeRewards(1);
        assertReason("has 2 responses but 1 rewards", rewards.build().toByteArray());
        RolloutScored.Builder vocab = event();
        vocab.getRolloutBuilder().getResponsesBuilder(0).setTokenIds(1, 512);
        assertReason("token_ids[1] = 512 is outside the vocabulary [0, 512)", vocab.build().toByteArray());
        RolloutScored.Builder logprobs = event();
        logprobs.getRolloutBuilder().getResponsesBuilder(0).clearLogprobs().addLogprobs(-1f);
        assertReason("has 2 tokens but 1 log-probs", logprobs.build().toByteArray());
        RolloutScored.Builder positive = event();
        positive.getRolloutBuilder().getResponsesBuilder(1).setLogprobs(0, 0.3f);
        assertReason("has log-prob 0.3", positive.build().toByteArray());
        RolloutScored.Builder nan = event();
        nan.getRewardsBuilder(0).setReward(Float.NaN);
        assertReason("has reward NaN", nan.build().toByteArray());
        RolloutScored.Builder longer = event();
        longer.getRolloutBuilder().addAllPromptTokens(List.of(3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3));
        assertReason("15 prompt + 2 response tokens exceed the context of 16", longer.build().toByteArray());
        RolloutScored.Builder empty = event();
        empty.getRolloutBuilder().getResponsesBuilder(1).clearTokenIds().clearLogprobs();
        assertReason("response 1 has no tokens", empty.build().toByteArray());
    }

    @Test
    void aRecordDeclaringAnotherEventTypeIsRefused() {
        InvalidRolloutException e = assertThrows(InvalidRolloutException.class,
                () -> decoder.decode(event().build().toByteArray(), "feedloop.events.v1.RolloutGenerated"));
        assertTrue(e.getMessage().contains("says feedloop.events.v1.RolloutGenerated"), e.getMessage());
    }

    void assertReason(String expected, byte[] value) {
        InvalidRolloutException e = assertThrows(InvalidRolloutException.class, () -> decoder.decode(value, null));
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should contain '" + expected + "'");
    }
}
