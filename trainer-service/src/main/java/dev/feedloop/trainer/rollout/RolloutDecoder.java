package dev.feedloop.trainer.rollout;

import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.RolloutScored;
import dev.feedloop.contracts.kafka.ProtobufDeserializer;
import dev.feedloop.ml.train.ScoredRollout;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the bytes of a {@code feedloop.rewards.v1} record into a {@link DecodedRollout}, or says in
 * an {@link InvalidRolloutException} why they are not something PPO can train on: not a
 * {@code RolloutScored}, no embedded rollout, a reward count that differs from the response count,
 * token ids outside the vocabulary, log-probs that are not one per token or not ≤ 0, a sequence
 * longer than the context, a non-finite reward.
 */
public final class RolloutDecoder {

    private final int vocabSize;
    private final int contextLength;

    /**
     * @param vocabSize     token ids must be in [0, vocabSize)
     * @param contextLength prompt + response tokens must fit
     */
    public RolloutDecoder(int vocabSize, int contextLength) {
        this.vocabSize = vocabSize;
        this.contextLength = contextLength;
    }

    /** Parses and validates one record value; {@code declaredType} is its event-type header or null. */
    public DecodedRollout decode(byte[] value, String declaredType) {
        RolloutScored event;
        try {
            event = ProtobufDeserializer.parse(RolloutScored.parser(), value, declaredType);
        } catch (ProtobufDeserializer.InvalidEventException e) {
            throw new InvalidRolloutException(e.getMessage(), e);
        }
        return decode(event);
    }

    /** Validates a parsed event. */
    public DecodedRollout decode(RolloutScored event) {
        if (!event.hasRollout()) {
            throw new InvalidRolloutException("RolloutScored " + event.getEventId() + " embeds no rollout");
        }
        RolloutGenerated rollout = event.getRollout();
        String id = rollout.getRolloutId().isEmpty() ? event.getEventId() : rollout.getRolloutId();
        if (rollout.getResponsesCount() == 0) {
            throw new InvalidRolloutException("rollout " + id + " has no responses");
        }
        if (event.getRewardsCount() != rollout.getResponsesCount()) {
            throw new InvalidRolloutException("rollout " + id + " has " + rollout.getResponsesCount() + " responses but "
                    + event.getRewardsCount() + " rewards");
        }
        if (rollout.getPromptTokensCount() == 0) {
            throw new InvalidRolloutException("rollout " + id + " has no prompt tokens (BOS at least)");
        }
        int[] prompt = tokens(id, "prompt_tokens", rollout.getPromptTokensList());
        float temperature = rollout.getSampling().getTemperature();
        float logProbTemperature = temperature == 0 ? 1f : temperature; // greedy log-probs are at T = 1
        List<ScoredRollout> responses = new ArrayList<>(rollout.getResponsesCount());
        for (int i = 0; i < rollout.getResponsesCount(); i++) {
            Response r = rollout.getResponses(i);
            String where = "rollout " + id + " response " + i;
            int[] response = tokens(where, "token_ids", r.getTokenIdsList());
            if (response.length == 0) {
                throw new InvalidRolloutException(where + " has no tokens");
            }
            if (r.getLogprobsCount() != response.length) {
                throw new InvalidRolloutException(where + " has " + response.length + " tokens but "
                        + r.getLogprobsCount() + " log-probs");
            }
            if (prompt.length + response.length > contextLength) {
                throw new InvalidRolloutException(where + ": " + prompt.length + " prompt + " + response.length
                        + " response tokens exceed the context of " + contextLength);
            }
            float[] logprobs = new float[response.length];
            for (int t = 0; t < logprobs.length; t++) {
                float lp = r.getLogprobs(t);
                if (!(lp <= 0) || Float.isInfinite(lp)) {
                    throw new InvalidRolloutException(where + " token " + t + " has log-prob " + lp + " (must be finite and <= 0)");
                }
                logprobs[t] = lp;
            }
            float reward = event.getRewards(i).getReward();
            if (!Float.isFinite(reward)) {
                throw new InvalidRolloutException(where + " has reward " + reward);
            }
            responses.add(new ScoredRollout(id, prompt, response, logprobs, reward, rollout.getPolicyVersion()));
        }
        return new DecodedRollout(id, rollout.getPolicyVersion(), event.getRewardModelVersion(), logProbTemperature,
                responses);
    }

    private int[] tokens(String where, String field, List<Integer> ids) {
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) {
            int id = ids.get(i);
            if (id < 0 || id >= vocabSize) {
                throw new InvalidRolloutException(where + " " + field + "[" + i + "] = " + id
                        + " is outside the vocabulary [0, " + vocabSize + ")");
            }
            out[i] = id;
        }
        return out;
    }
}
