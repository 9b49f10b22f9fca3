package dev.feedloop.reward.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.feedloop.contracts.reward.v1.ScoreBatchRequest;
import dev.feedloop.contracts.reward.v1.ScoreItem;
import org.junit.jupiter.api.Test;

class ScoreBatchValidationTest {

    static ScoreBatchRequest items(int n, String prompt, String response) {
        ScoreBatchRequest.Builder b = ScoreBatchRequest.newBuilder();
        for (int i = 0; i < n; i++) {
            b.addItems(ScoreItem.newBuilder().setPrompt(prompt).setResponse(response));
        }
        return b.build();
    }

    @Test
    void theFirstProblemNamesTheField() {
        assertEquals("items: at least one item is required", RewardScorerGrpcService.validate(items(0, "", ""), 4, 10));
        assertEquals("items: 5 items, at most 4", RewardScorerGrpcService.validate(items(5, "a", "b"), 4, 10));
        assertEquals("items[0].prompt: 11 characters, at most 10",
                RewardScorerGrpcService.validate(items(2, "x".repeat(11), "y".repeat(11)), 4, 10));
        ScoreBatchRequest secondResponse = items(1, "a", "b").toBuilder()
                .addItems(ScoreItem.newBuilder().setPrompt("a").setResponse("y".repeat(11))).build();
        assertEquals("items[1].response: 11 characters, at most 10",
                RewardScorerGrpcService.validate(secondResponse, 4, 10));
    }

    @Test
    void limitsAreInclusiveAndEmptyTextsAreFine() {
        assertNull(RewardScorerGrpcService.validate(items(4, "x".repeat(10), ""), 4, 10));
    }
}
