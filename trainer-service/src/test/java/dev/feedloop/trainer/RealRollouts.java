package dev.feedloop.trainer;

import ai.djl.ndarray.NDManager;
import com.google.protobuf.Timestamp;
import dev.feedloop.contracts.events.v1.FinishReason;
import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.ResponseReward;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.RolloutScored;
import dev.feedloop.contracts.events.v1.SamplingParams;
import dev.feedloop.ml.checkpoint.Llama2cCheckpoint;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.sampling.Generation;
import dev.feedloop.ml.sampling.Sampler;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Real scored rollouts: sampled from the bundled stories260K with ml-core's {@link Sampler}, so the
 * token ids and behaviour log-probs are what the generator would record; the reward is a simple
 * programmatic score (shorter responses score higher), standing in for the reward model.
 */
public final class RealRollouts implements AutoCloseable {

    public static final Path MODEL = Path.of("../data/models/stories260K/stories260K.bin").toAbsolutePath().normalize();
    public static final Path TOKENIZER = Path.of("../data/models/stories260K/tok512.bin").toAbsolutePath().normalize();
    public static final int MAX_NEW_TOKENS = 12;

    private final NDManager manager = NDManager.newBaseManager();
    private final LlamaModel model = Llama2cCheckpoint.load(MODEL, manager);
    private final Sampler sampler = new Sampler(model, Llama2cTokenizer.load(TOKENIZER));
    private long seed = 1;

    /** K responses to {@code prompt}, claimed to be sampled by {@code policyVersion} and scored by {@code rewardModelVersion}. */
    public RolloutScored scored(String prompt, int k, long policyVersion, long rewardModelVersion) {
        List<Generation> gens = sampler.generate(List.of(prompt), k,
                new dev.feedloop.ml.sampling.SamplingParams(1f, 1f, 0, MAX_NEW_TOKENS, seed++));
        String rolloutId = "rollout-" + UUID.randomUUID();
        RolloutGenerated.Builder rollout = RolloutGenerated.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setCreatedAt(Timestamp.newBuilder().setSeconds(1))
                .setRolloutId(rolloutId).setPromptId("prompt-" + UUID.randomUUID()).setPromptText(prompt)
                .setPolicyVersion(policyVersion)
                .setSampling(SamplingParams.newBuilder().setTemperature(1f).setTopP(1f).setMaxNewTokens(MAX_NEW_TOKENS));
        for (int i : gens.get(0).promptTokens()) {
            rollout.addPromptTokens(i);
        }
        RolloutScored.Builder scored = RolloutScored.newBuilder().setEventId(UUID.randomUUID().toString())
                .setRewardModelVersion(rewardModelVersion);
        for (Generation g : gens) {
            Response.Builder r = Response.newBuilder().setResponseId(rolloutId + "/" + g.sampleIndex()).setText(g.text())
                    .setFinishReason(g.finishReason().name().equals("EOS") ? FinishReason.EOS : FinishReason.LENGTH);
            for (int t : g.tokens()) {
                r.addTokenIds(t);
            }
            for (float lp : g.logprobs()) {
                r.addLogprobs(lp);
            }
            rollout.addResponses(r);
            scored.addRewards(ResponseReward.newBuilder().setResponseId(r.getResponseId()).setReward(reward(g)));
        }
        return scored.setRollout(rollout).build();
    }

    /** 1 for a one-word response, falling towards 0 with length. */
    public static float reward(Generation g) {
        return 1f / g.text().trim().split("\\s+").length;
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }
}
