package dev.feedloop.generator.rollout;

import com.google.protobuf.Timestamp;
import dev.feedloop.contracts.events.v1.FinishReason;
import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.ml.sampling.Generation;
import dev.feedloop.ml.sampling.SamplingParams;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Builds the {@code RolloutGenerated} event of one prompt from its K generations: fresh
 * {@code event_id} and {@code rollout_id}, response ids {@code <rollout_id>/<index>}, token ids
 * with their behaviour log-probs, finish reasons, the policy version and the sampling parameters
 * actually used (the log-probs' temperature convention is {@link SamplingParams}'s).
 */
public final class RolloutFactory {

    private final Clock clock;

    public RolloutFactory(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param generations the K generations of {@code request}, in sample order
     * @param used        the parameters the batch ran with (the seed may be the batch's)
     */
    public RolloutGenerated create(PromptRequest request, List<Generation> generations, long policyVersion,
            SamplingParams used) {
        if (generations.size() != request.k()) {
            throw new IllegalArgumentException("prompt " + request.promptId() + ": " + generations.size()
                    + " generations for K = " + request.k());
        }
        String rolloutId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        RolloutGenerated.Builder rollout = RolloutGenerated.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setCreatedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setRolloutId(rolloutId)
                .setPromptId(request.promptId())
                .setPromptText(request.text())
                .setPolicyVersion(policyVersion)
                .setSampling(dev.feedloop.contracts.events.v1.SamplingParams.newBuilder()
                        .setTemperature(used.temperature())
                        .setTopP(used.topP())
                        .setTopK(used.topK())
                        .setMaxNewTokens(used.maxNewTokens())
                        .setSeed(used.seed()))
                .setSource(request.source());
        for (int token : generations.get(0).promptTokens()) {
            rollout.addPromptTokens(token);
        }
        for (int i = 0; i < generations.size(); i++) {
            Generation g = generations.get(i);
            Response.Builder response = Response.newBuilder()
                    .setResponseId(rolloutId + "/" + i)
                    .setText(g.text())
                    .setFinishReason(switch (g.finishReason()) {
                        case EOS -> FinishReason.EOS;
                        case LENGTH -> FinishReason.LENGTH;
                    });
            for (int token : g.tokens()) {
                response.addTokenIds(token);
            }
            for (float lp : g.logprobs()) {
                response.addLogprobs(lp);
            }
            rollout.addResponses(response);
        }
        return rollout.build();
    }
}
