package dev.feedloop.labeling.feedback;

import static dev.feedloop.labeling.feedback.FeedbackError.Code.INVALID_ARGUMENT;
import static dev.feedloop.labeling.feedback.FeedbackError.Code.NOT_FOUND;
import static dev.feedloop.labeling.feedback.FeedbackError.Code.PERMISSION_DENIED;
import static dev.feedloop.labeling.feedback.FeedbackError.Code.TOO_LARGE;

import dev.feedloop.contracts.events.v1.Comparison;
import dev.feedloop.contracts.events.v1.Ranking;
import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Tier;
import dev.feedloop.contracts.labeling.v1.SubmitFeedbackRequest;
import dev.feedloop.labeling.auth.Caller;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks one feedback submission against its rollout and says precisely what is wrong, naming the
 * field. Checks run in this order: sizes (TOO_LARGE), required fields (INVALID_ARGUMENT), the
 * rollout (NOT_FOUND), who may send what (PERMISSION_DENIED), then the feedback itself.
 *
 * <p>Rules: a ranking orders exactly the rollout's responses, best tier first, ties within a tier
 * (missing, duplicated or foreign ids are INVALID_ARGUMENT, each listed); a score is 1–7; a
 * response id named by a score, flag, thumb or comparison must belong to the rollout (NOT_FOUND);
 * the production token may send thumbs and flags only, and must name the user.
 */
public final class FeedbackValidator {

    public static final int MIN_SCORE = 1;
    public static final int MAX_SCORE = 7;
    /** Event ids are UUIDs (36 characters); the limit leaves room for other id schemes. */
    public static final int MAX_ID_CHARS = 128;

    private final int maxCommentChars;
    private final int maxCategoryChars;

    /**
     * @param maxCommentChars  longest accepted comment, in characters
     * @param maxCategoryChars longest accepted flag category, in characters
     */
    public FeedbackValidator(int maxCommentChars, int maxCategoryChars) {
        this.maxCommentChars = maxCommentChars;
        this.maxCategoryChars = maxCategoryChars;
    }

    /** Checks that need no rollout: sizes and required fields. Run before the duplicate check. */
    public void checkShape(SubmitFeedbackRequest request) {
        checkLength("comment", request.getComment(), maxCommentChars);
        checkLength("event_id", request.getEventId(), MAX_ID_CHARS);
        checkLength("rollout_id", request.getRolloutId(), MAX_ID_CHARS);
        checkLength("user_id", request.getUserId(), MAX_ID_CHARS);
        if (request.getKindCase() == SubmitFeedbackRequest.KindCase.FLAG) {
            checkLength("flag.category", request.getFlag().getCategory(), maxCategoryChars);
        }
        if (request.getEventId().isBlank()) {
            throw new FeedbackError(INVALID_ARGUMENT, "event_id", "event_id is required (a client-chosen UUID)");
        }
        if (request.getRolloutId().isBlank()) {
            throw new FeedbackError(INVALID_ARGUMENT, "rollout_id", "rollout_id is required");
        }
        if (request.getKindCase() == SubmitFeedbackRequest.KindCase.KIND_NOT_SET) {
            throw new FeedbackError(INVALID_ARGUMENT, "kind", "one of ranking, score, flag, thumb, comparison is required");
        }
    }

    /** Checks the submission against its rollout (empty when the rollout is unknown) and the caller. */
    public void check(Caller caller, SubmitFeedbackRequest request, Optional<RolloutGenerated> rollout) {
        checkShape(request);
        RolloutGenerated r = rollout.orElseThrow(() -> new FeedbackError(NOT_FOUND, "rollout_id",
                "rollout_id '" + request.getRolloutId() + "' not found"));
        SubmitFeedbackRequest.KindCase kind = request.getKindCase();
        if (caller.isProduction()) {
            if (kind != SubmitFeedbackRequest.KindCase.THUMB && kind != SubmitFeedbackRequest.KindCase.FLAG) {
                throw new FeedbackError(PERMISSION_DENIED, kind.name().toLowerCase(),
                        "the production token may send thumb or flag, not " + kind.name().toLowerCase());
            }
            if (request.getUserId().isBlank()) {
                throw new FeedbackError(INVALID_ARGUMENT, "user_id", "user_id is required for production feedback");
            }
        }
        Set<String> ids = responseIds(r);
        switch (kind) {
            case RANKING -> checkRanking(request.getRanking(), ids);
            case SCORE -> {
                checkResponse("score.response_id", request.getScore().getResponseId(), ids);
                int value = request.getScore().getValue();
                if (value < MIN_SCORE || value > MAX_SCORE) {
                    throw new FeedbackError(INVALID_ARGUMENT, "score.value",
                            "score.value " + Integer.toUnsignedString(value) + " is outside " + MIN_SCORE + "–" + MAX_SCORE);
                }
            }
            case FLAG -> {
                checkResponse("flag.response_id", request.getFlag().getResponseId(), ids);
                if (request.getFlag().getCategory().isBlank()) {
                    throw new FeedbackError(INVALID_ARGUMENT, "flag.category", "flag.category is required");
                }
            }
            case THUMB -> checkResponse("thumb.response_id", request.getThumb().getResponseId(), ids);
            case COMPARISON -> checkComparison(request.getComparison(), ids);
            default -> throw new IllegalStateException("unhandled kind " + kind);
        }
    }

    private static void checkRanking(Ranking ranking, Set<String> rolloutIds) {
        if (ranking.getTiersCount() == 0) {
            throw new FeedbackError(INVALID_ARGUMENT, "ranking.tiers", "ranking.tiers is empty: rank the rollout's "
                    + rolloutIds.size() + " responses");
        }
        Set<String> seen = new HashSet<>();
        Set<String> duplicated = new LinkedHashSet<>();
        Set<String> foreign = new LinkedHashSet<>();
        for (int i = 0; i < ranking.getTiersCount(); i++) {
            Tier tier = ranking.getTiers(i);
            if (tier.getResponseIdsCount() == 0) {
                throw new FeedbackError(INVALID_ARGUMENT, "ranking.tiers[" + i + "]", "ranking.tiers[" + i + "] is empty");
            }
            for (String id : tier.getResponseIdsList()) {
                if (!rolloutIds.contains(id)) {
                    foreign.add(id);
                } else if (!seen.add(id)) {
                    duplicated.add(id);
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (String id : rolloutIds) {
            if (!seen.contains(id)) {
                missing.add(id);
            }
        }
        if (!missing.isEmpty() || !duplicated.isEmpty() || !foreign.isEmpty()) {
            List<String> problems = new ArrayList<>();
            if (!missing.isEmpty()) {
                problems.add("missing " + missing);
            }
            if (!duplicated.isEmpty()) {
                problems.add("duplicated " + duplicated);
            }
            if (!foreign.isEmpty()) {
                problems.add("not in the rollout " + foreign);
            }
            throw new FeedbackError(INVALID_ARGUMENT, "ranking", "ranking must order exactly the rollout's "
                    + rolloutIds.size() + " responses: " + String.join("; ", problems));
        }
    }

    private static void checkComparison(Comparison comparison, Set<String> ids) {
        checkResponse("comparison.response_a", comparison.getResponseA(), ids);
        checkResponse("comparison.response_b", comparison.getResponseB(), ids);
        if (comparison.getResponseA().equals(comparison.getResponseB())) {
            throw new FeedbackError(INVALID_ARGUMENT, "comparison.response_b",
                    "comparison.response_b must differ from comparison.response_a");
        }
        if (comparison.getOutcome() == Comparison.Outcome.OUTCOME_UNSPECIFIED
                || comparison.getOutcome() == Comparison.Outcome.UNRECOGNIZED) {
            throw new FeedbackError(INVALID_ARGUMENT, "comparison.outcome",
                    "comparison.outcome must be A_BETTER, B_BETTER or TIE");
        }
    }

    private static void checkResponse(String field, String responseId, Set<String> ids) {
        if (responseId.isBlank()) {
            throw new FeedbackError(INVALID_ARGUMENT, field, field + " is required");
        }
        if (!ids.contains(responseId)) {
            throw new FeedbackError(NOT_FOUND, field, field + " '" + responseId + "' is not a response of this rollout");
        }
    }

    private static void checkLength(String field, String value, int max) {
        if (value.length() > max) {
            throw new FeedbackError(TOO_LARGE, field, field + " is " + value.length() + " characters; the limit is " + max);
        }
    }

    private static Set<String> responseIds(RolloutGenerated rollout) {
        Set<String> ids = new LinkedHashSet<>();
        for (Response response : rollout.getResponsesList()) {
            ids.add(response.getResponseId());
        }
        return ids;
    }
}
