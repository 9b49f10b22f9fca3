package dev.feedloop.reward.grpc;

import dev.feedloop.contracts.reward.v1.RewardScorer;
import dev.feedloop.contracts.reward.v1.ScoreBatchRequest;
import dev.feedloop.contracts.reward.v1.ScoreBatchResponse;
import dev.feedloop.contracts.reward.v1.ScoreItem;
import dev.feedloop.reward.config.RewardConfig;
import dev.feedloop.reward.loop.RewardLoop;
import dev.feedloop.reward.messaging.RewardWorker;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code feedloop.reward.v1.RewardScorer/ScoreBatch}: one reward per item, in order, under the
 * published version (version 0 = the base trunk with an untrained head, all rewards 0), computed on
 * the model thread. Errors: INVALID_ARGUMENT whose description starts with the field
 * ({@code items}, {@code items[i].prompt}, {@code items[i].response}); UNAVAILABLE while the model
 * loads, when the model thread is saturated, or after 30 s.
 */
@GrpcService
public class RewardScorerGrpcService implements RewardScorer {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    RewardWorker worker;
    @Inject
    RewardConfig config;

    @Override
    public Uni<ScoreBatchResponse> scoreBatch(ScoreBatchRequest request) {
        String invalid = validate(request, config.grpc().maxItems(), config.grpc().maxTextChars());
        if (invalid != null) {
            return Uni.createFrom().failure(Status.INVALID_ARGUMENT.withDescription(invalid).asRuntimeException());
        }
        List<String> prompts = new ArrayList<>(request.getItemsCount());
        List<String> responses = new ArrayList<>(request.getItemsCount());
        for (ScoreItem item : request.getItemsList()) {
            prompts.add(item.getPrompt());
            responses.add(item.getResponse());
        }
        // the future completes on the model thread: nothing here blocks the event loop
        return Uni.createFrom().completionStage(() -> worker.scoreTexts(prompts, responses))
                .ifNoItem().after(TIMEOUT).fail()
                .onFailure().transform(e -> Status.UNAVAILABLE.withDescription("cannot score now: " + e.getMessage())
                        .asRuntimeException())
                .map(RewardScorerGrpcService::response);
    }

    private static ScoreBatchResponse response(RewardLoop.Scores scores) {
        ScoreBatchResponse.Builder b = ScoreBatchResponse.newBuilder().setRewardModelVersion(scores.version());
        for (float r : scores.rewards()) {
            b.addRewards(r);
        }
        return b.build();
    }

    /** The first problem, starting with the field's name, or null. */
    static String validate(ScoreBatchRequest request, int maxItems, int maxTextChars) {
        if (request.getItemsCount() == 0) {
            return "items: at least one item is required";
        }
        if (request.getItemsCount() > maxItems) {
            return "items: " + request.getItemsCount() + " items, at most " + maxItems;
        }
        for (int i = 0; i < request.getItemsCount(); i++) {
            ScoreItem item = request.getItems(i);
            if (item.getPrompt().length() > maxTextChars) {
                return "items[" + i + "].prompt: " + item.getPrompt().length() + " characters, at most " + maxTextChars;
            }
            if (item.getResponse().length() > maxTextChars) {
                return "items[" + i + "].response: " + item.getResponse().length() + " characters, at most " + maxTextChars;
            }
        }
        return null;
    }
}
