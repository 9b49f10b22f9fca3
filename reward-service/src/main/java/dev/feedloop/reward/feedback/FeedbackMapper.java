package dev.feedloop.reward.feedback;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Tier;
import dev.feedloop.ml.preference.Feedback;
import dev.feedloop.ml.preference.Flag;
import dev.feedloop.ml.preference.Ranking;
import dev.feedloop.ml.preference.Response;
import dev.feedloop.ml.preference.Score;
import dev.feedloop.ml.preference.Thumb;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code FeedbackRecorded} + its {@code RolloutGenerated} → ml-core's {@link Feedback}, keyed by
 * rollout id (so ComparisonBuilder groups the responses of one rollout). A pairwise
 * {@code Comparison} becomes a ranking of two (a tie: one tier, which yields no pair). Every
 * problem throws {@link IllegalArgumentException} naming the field.
 */
public final class FeedbackMapper {

    private FeedbackMapper() {
    }

    /** What can be checked without the rollout; the consumer sends a record failing this to the DLQ. */
    public static void checkShape(FeedbackRecorded f) {
        if (f.getRolloutId().isEmpty()) {
            throw new IllegalArgumentException("FeedbackRecorded " + f.getEventId() + ": rollout_id is empty");
        }
        if (f.getKindCase() == FeedbackRecorded.KindCase.KIND_NOT_SET) {
            throw new IllegalArgumentException("FeedbackRecorded " + f.getEventId()
                    + ": kind is not set (ranking, score, flag, thumb or comparison)");
        }
    }

    /** What can be checked of a rollout on its own; the consumer sends a record failing this to the DLQ. */
    public static void checkShape(RolloutGenerated r) {
        if (r.getRolloutId().isEmpty()) {
            throw new IllegalArgumentException("RolloutGenerated " + r.getEventId() + ": rollout_id is empty");
        }
        if (r.getResponsesCount() == 0) {
            throw new IllegalArgumentException("RolloutGenerated " + r.getEventId() + ": responses is empty");
        }
        for (int i = 0; i < r.getResponsesCount(); i++) {
            if (r.getResponses(i).getResponseId().isEmpty()) {
                throw new IllegalArgumentException("RolloutGenerated " + r.getEventId() + ": responses[" + i
                        + "].response_id is empty");
            }
        }
    }

    public static Feedback toFeedback(FeedbackRecorded f, RolloutGenerated r) {
        checkShape(f);
        Map<String, Response> responses = new LinkedHashMap<>();
        r.getResponsesList().forEach(x -> responses.put(x.getResponseId(), new Response(x.getResponseId(), x.getText())));
        String key = r.getRolloutId();
        String prompt = r.getPromptText();
        switch (f.getKindCase()) {
            case RANKING -> {
                List<Response> ranked = new ArrayList<>();
                List<List<String>> tiers = new ArrayList<>();
                for (Tier tier : f.getRanking().getTiersList()) {
                    for (String id : tier.getResponseIdsList()) {
                        ranked.add(response(responses, id, "ranking.tiers"));
                    }
                    tiers.add(tier.getResponseIdsList());
                }
                return new Ranking(key, prompt, ranked, tiers);
            }
            case COMPARISON -> {
                var c = f.getComparison();
                Response a = response(responses, c.getResponseA(), "comparison.response_a");
                Response b = response(responses, c.getResponseB(), "comparison.response_b");
                return switch (c.getOutcome()) {
                    case A_BETTER -> Ranking.ordered(key, prompt, List.of(a, b));
                    case B_BETTER -> Ranking.ordered(key, prompt, List.of(b, a));
                    case TIE -> new Ranking(key, prompt, List.of(a, b), List.of(List.of(a.id(), b.id())));
                    default -> throw new IllegalArgumentException("comparison.outcome is " + c.getOutcome());
                };
            }
            case SCORE -> {
                int value = f.getScore().getValue();
                if (value < Score.MIN || value > Score.MAX) {
                    throw new IllegalArgumentException("score.value " + value + " is outside " + Score.MIN + "–" + Score.MAX);
                }
                return new Score(key, prompt, response(responses, f.getScore().getResponseId(), "score.response_id"), value);
            }
            case THUMB -> {
                return new Thumb(key, prompt, response(responses, f.getThumb().getResponseId(), "thumb.response_id"),
                        f.getThumb().getUp());
            }
            case FLAG -> {
                return new Flag(key, prompt, response(responses, f.getFlag().getResponseId(), "flag.response_id"),
                        f.getFlag().getCategory());
            }
            default -> throw new IllegalArgumentException("kind " + f.getKindCase() + " is not supported");
        }
    }

    private static Response response(Map<String, Response> responses, String id, String field) {
        Response r = responses.get(id);
        if (r == null) {
            throw new IllegalArgumentException(field + " names response '" + id + "', which is not in the rollout");
        }
        return r;
    }
}
