package dev.feedloop.labeling.rest;

import java.util.List;

/** The JSON bodies of the REST API (camelCase). */
public final class Json {

    private Json() {
    }

    /** GET /api/v1/tasks/next, 200. */
    public record TaskJson(String taskId, String rolloutId, String promptId, String promptText,
                           List<ResponseJson> responses, String leaseExpiresAt) {
    }

    public record ResponseJson(String responseId, String text) {
    }

    /** POST /api/v1/feedback: exactly one of ranking, score, flag, thumb, comparison. */
    public record FeedbackJson(String eventId, String rolloutId, String comment, String userId,
                               RankingJson ranking, ScoreJson score, FlagJson flag, ThumbJson thumb,
                               ComparisonJson comparison) {
    }

    /** Tiers best to worst; the ids in one tier are tied. */
    public record RankingJson(List<List<String>> tiers) {
    }

    public record ScoreJson(String responseId, Integer value) {
    }

    public record FlagJson(String responseId, String category) {
    }

    public record ThumbJson(String responseId, Boolean up) {
    }

    /** outcome: A_BETTER, B_BETTER or TIE. */
    public record ComparisonJson(String responseA, String responseB, String outcome) {
    }

    /** POST /api/v1/feedback, 200. */
    public record ResultJson(boolean accepted, boolean duplicate, String eventId) {
    }

    /** Every 4xx/5xx body: the gRPC-style code, the field at fault, a sentence. */
    public record ErrorJson(String code, String field, String message) {
    }
}
