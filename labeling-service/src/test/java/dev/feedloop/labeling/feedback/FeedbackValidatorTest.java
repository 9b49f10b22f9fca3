package dev.feedloop.labeling.feedback;

import static dev.feedloop.labeling.Fixtures.rollout;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.feedloop.contracts.events.v1.Comparison;
import dev.feedloop.contracts.events.v1.Flag;
import dev.feedloop.contracts.events.v1.Ranking;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Score;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.events.v1.Thumb;
import dev.feedloop.contracts.events.v1.Tier;
import dev.feedloop.contracts.labeling.v1.SubmitFeedbackRequest;
import dev.feedloop.labeling.auth.Caller;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FeedbackValidatorTest {

    private static final RolloutGenerated ROLLOUT = rollout("r", 3, Source.CURATED);  // responses r/0, r/1, r/2
    private static final Caller ALICE = new Caller("alice", Source.ANNOTATOR);
    private static final Caller PRODUCTION = new Caller("production", Source.PRODUCTION);

    private final FeedbackValidator validator = new FeedbackValidator(20, 10);

    private static SubmitFeedbackRequest.Builder base() {
        return SubmitFeedbackRequest.newBuilder().setEventId("e1").setRolloutId("r");
    }

    private static Ranking ranking(List<List<String>> tiers) {
        Ranking.Builder ranking = Ranking.newBuilder();
        tiers.forEach(t -> ranking.addTiers(Tier.newBuilder().addAllResponseIds(t)));
        return ranking.build();
    }

    private FeedbackError rejected(Caller caller, SubmitFeedbackRequest.Builder request) {
        return assertThrows(FeedbackError.class, () -> validator.check(caller, request.build(), Optional.of(ROLLOUT)));
    }

    @Test
    void aRankingWithTiesOfExactlyTheResponsesIsValid() {
        assertDoesNotThrow(() -> validator.check(ALICE,
                base().setRanking(ranking(List.of(List.of("r/2"), List.of("r/0", "r/1")))).build(), Optional.of(ROLLOUT)));
    }

    @Test
    void aRankingThatIsNotAnOrderingSaysWhatIsWrong() {
        FeedbackError e = rejected(ALICE, base().setRanking(ranking(List.of(List.of("r/2", "x"), List.of("r/2")))));
        assertEquals(FeedbackError.Code.INVALID_ARGUMENT, e.code());
        assertEquals("ranking", e.field());
        assertEquals("ranking must order exactly the rollout's 3 responses: missing [r/0, r/1]; duplicated [r/2]; "
                + "not in the rollout [x]", e.getMessage());

        FeedbackError empty = rejected(ALICE, base().setRanking(ranking(List.of(List.of("r/0", "r/1", "r/2"), List.of()))));
        assertEquals("ranking.tiers[1]", empty.field());
    }

    @Test
    void aScoreOutside1To7IsInvalidAndNamesScoreValue() {
        for (int bad : new int[] {0, 8, -1}) {
            FeedbackError e = rejected(ALICE, base().setScore(Score.newBuilder().setResponseId("r/0").setValue(bad)));
            assertEquals(FeedbackError.Code.INVALID_ARGUMENT, e.code());
            assertEquals("score.value", e.field());
        }
        for (int good = 1; good <= 7; good++) {
            var request = base().setScore(Score.newBuilder().setResponseId("r/0").setValue(good)).build();
            assertDoesNotThrow(() -> validator.check(ALICE, request, Optional.of(ROLLOUT)));
        }
    }

    @Test
    void unknownRolloutsAndResponsesAreNotFound() {
        FeedbackError rollout = assertThrows(FeedbackError.class, () -> validator.check(ALICE,
                base().setScore(Score.newBuilder().setResponseId("r/0").setValue(3)).build(), Optional.empty()));
        assertEquals(FeedbackError.Code.NOT_FOUND, rollout.code());
        assertEquals("rollout_id", rollout.field());

        FeedbackError response = rejected(ALICE, base().setScore(Score.newBuilder().setResponseId("r/9").setValue(3)));
        assertEquals(FeedbackError.Code.NOT_FOUND, response.code());
        assertEquals("score.response_id", response.field());

        FeedbackError b = rejected(ALICE, base().setComparison(Comparison.newBuilder().setResponseA("r/0").setResponseB("q/1")
                .setOutcome(Comparison.Outcome.A_BETTER)));
        assertEquals("comparison.response_b", b.field());
    }

    @Test
    void overlongCommentsAndCategoriesAreTooLarge() {
        FeedbackError comment = rejected(ALICE, base().setComment("x".repeat(21))
                .setThumb(Thumb.newBuilder().setResponseId("r/0")));
        assertEquals(FeedbackError.Code.TOO_LARGE, comment.code());
        assertEquals("comment", comment.field());
        assertEquals("comment is 21 characters; the limit is 20", comment.getMessage());

        FeedbackError category = rejected(ALICE, base().setFlag(Flag.newBuilder().setResponseId("r/0").setCategory("c".repeat(11))));
        assertEquals("flag.category", category.field());
    }

    @Test
    void requiredFieldsAndComparisonRules() {
        assertEquals("event_id", rejected(ALICE, base().setEventId("").setThumb(Thumb.getDefaultInstance())).field());
        assertEquals("kind", rejected(ALICE, base()).field());
        assertEquals("comparison.outcome", rejected(ALICE, base().setComparison(Comparison.newBuilder()
                .setResponseA("r/0").setResponseB("r/1"))).field());
        assertEquals("comparison.response_b", rejected(ALICE, base().setComparison(Comparison.newBuilder()
                .setResponseA("r/0").setResponseB("r/0").setOutcome(Comparison.Outcome.TIE))).field());
    }

    @Test
    void theProductionTokenSendsThumbsAndFlagsForANamedUser() {
        assertDoesNotThrow(() -> validator.check(PRODUCTION, base().setUserId("u-1")
                .setThumb(Thumb.newBuilder().setResponseId("r/1").setUp(true)).build(), Optional.of(ROLLOUT)));
        assertEquals(FeedbackError.Code.PERMISSION_DENIED, rejected(PRODUCTION, base().setUserId("u-1")
                .setScore(Score.newBuilder().setResponseId("r/0").setValue(3))).code());
        assertEquals("user_id", rejected(PRODUCTION, base().setThumb(Thumb.newBuilder().setResponseId("r/1"))).field());
    }
}
