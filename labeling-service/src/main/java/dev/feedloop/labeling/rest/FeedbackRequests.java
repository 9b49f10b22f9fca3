package dev.feedloop.labeling.rest;

import dev.feedloop.contracts.events.v1.Comparison;
import dev.feedloop.contracts.events.v1.Flag;
import dev.feedloop.contracts.events.v1.Ranking;
import dev.feedloop.contracts.events.v1.Score;
import dev.feedloop.contracts.events.v1.Thumb;
import dev.feedloop.contracts.events.v1.Tier;
import dev.feedloop.contracts.labeling.v1.SubmitFeedbackRequest;
import dev.feedloop.labeling.feedback.FeedbackError;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** JSON → the same SubmitFeedbackRequest the gRPC API takes, so both share every rule. */
final class FeedbackRequests {

    private FeedbackRequests() {
    }

    static SubmitFeedbackRequest toProto(Json.FeedbackJson json) {
        if (json == null) {
            throw invalid("body", "a JSON body is required");
        }
        long kinds = Stream.of(json.ranking(), json.score(), json.flag(), json.thumb(), json.comparison())
                .filter(Objects::nonNull).count();
        if (kinds > 1) {
            throw invalid("kind", "exactly one of ranking, score, flag, thumb, comparison; got " + kinds);
        }
        SubmitFeedbackRequest.Builder request = SubmitFeedbackRequest.newBuilder()
                .setEventId(orEmpty(json.eventId())).setRolloutId(orEmpty(json.rolloutId()))
                .setComment(orEmpty(json.comment())).setUserId(orEmpty(json.userId()));
        if (json.ranking() != null) {
            Ranking.Builder ranking = Ranking.newBuilder();
            List<List<String>> tiers = json.ranking().tiers() == null ? List.of() : json.ranking().tiers();
            for (int i = 0; i < tiers.size(); i++) {
                List<String> tier = tiers.get(i) == null ? List.of() : tiers.get(i);
                if (tier.contains(null)) {
                    throw invalid("ranking.tiers[" + i + "]", "ranking.tiers[" + i + "] contains null");
                }
                ranking.addTiers(Tier.newBuilder().addAllResponseIds(tier));
            }
            request.setRanking(ranking);
        } else if (json.score() != null) {
            if (json.score().value() == null) {
                throw invalid("score.value", "score.value is required (1–7)");
            }
            request.setScore(Score.newBuilder().setResponseId(orEmpty(json.score().responseId()))
                    .setValue(json.score().value()));
        } else if (json.flag() != null) {
            request.setFlag(Flag.newBuilder().setResponseId(orEmpty(json.flag().responseId()))
                    .setCategory(orEmpty(json.flag().category())));
        } else if (json.thumb() != null) {
            if (json.thumb().up() == null) {
                throw invalid("thumb.up", "thumb.up is required (true or false)");
            }
            request.setThumb(Thumb.newBuilder().setResponseId(orEmpty(json.thumb().responseId())).setUp(json.thumb().up()));
        } else if (json.comparison() != null) {
            request.setComparison(Comparison.newBuilder().setResponseA(orEmpty(json.comparison().responseA()))
                    .setResponseB(orEmpty(json.comparison().responseB())).setOutcome(outcome(json.comparison().outcome())));
        }
        return request.build();
    }

    private static Comparison.Outcome outcome(String name) {
        if (name != null) {
            switch (name) {
                case "A_BETTER": return Comparison.Outcome.A_BETTER;
                case "B_BETTER": return Comparison.Outcome.B_BETTER;
                case "TIE": return Comparison.Outcome.TIE;
                default: break;
            }
        }
        throw invalid("comparison.outcome", "comparison.outcome must be A_BETTER, B_BETTER or TIE, not " + name);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static FeedbackError invalid(String field, String message) {
        return new FeedbackError(FeedbackError.Code.INVALID_ARGUMENT, field, message);
    }
}
