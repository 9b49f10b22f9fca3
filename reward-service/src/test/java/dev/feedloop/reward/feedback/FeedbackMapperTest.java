package dev.feedloop.reward.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.events.v1.Comparison;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.ml.preference.Ranking;
import dev.feedloop.ml.preference.Score;
import dev.feedloop.reward.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedbackMapperTest {

    final RolloutGenerated r = Fixtures.rollout("r1", "Once", "a", "b", "c");

    @Test
    void aRankingKeepsItsTiersAndIsKeyedByRollout() {
        Ranking ranking = (Ranking) FeedbackMapper.toFeedback(Fixtures.ranking("e", r, 2, 0, 1), r);
        assertEquals("r1", ranking.promptId());
        assertEquals("Once", ranking.prompt());
        assertEquals(List.of(List.of("r1/2"), List.of("r1/0"), List.of("r1/1")), ranking.tiers());
        assertEquals("c", ranking.responses().get(0).text());
    }

    @Test
    void aComparisonIsARankingOfTwo() {
        Ranking b = (Ranking) FeedbackMapper.toFeedback(Fixtures.comparison("e", r, 0, 1, Comparison.Outcome.B_BETTER), r);
        assertEquals(List.of(List.of("r1/1"), List.of("r1/0")), b.tiers());
        Ranking tie = (Ranking) FeedbackMapper.toFeedback(Fixtures.comparison("e", r, 0, 1, Comparison.Outcome.TIE), r);
        assertEquals(List.of(List.of("r1/0", "r1/1")), tie.tiers());
    }

    @Test
    void aScoreNamesItsResponse() {
        Score s = (Score) FeedbackMapper.toFeedback(Fixtures.score("e", r, 1, 6), r);
        assertEquals("b", s.response().text());
        assertEquals(6, s.value());
    }

    @Test
    void problemsNameTheField() {
        RolloutGenerated other = Fixtures.rollout("r2", "x", "y", "z");
        FeedbackRecorded foreign = Fixtures.score("e", other, 0, 3).toBuilder().setRolloutId("r1").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeedbackMapper.toFeedback(foreign, r));
        assertTrue(e.getMessage().startsWith("score.response_id names response 'r2/0'"), e.getMessage());

        FeedbackRecorded noKind = FeedbackRecorded.newBuilder().setEventId("e").setRolloutId("r1").build();
        e = assertThrows(IllegalArgumentException.class, () -> FeedbackMapper.checkShape(noKind));
        assertTrue(e.getMessage().contains("kind is not set"), e.getMessage());

        FeedbackRecorded noRollout = Fixtures.score("e", r, 0, 3).toBuilder().clearRolloutId().build();
        e = assertThrows(IllegalArgumentException.class, () -> FeedbackMapper.checkShape(noRollout));
        assertTrue(e.getMessage().contains("rollout_id is empty"), e.getMessage());

        FeedbackRecorded badScore = Fixtures.score("e", r, 0, 3).toBuilder()
                .setScore(dev.feedloop.contracts.events.v1.Score.newBuilder().setResponseId("r1/0").setValue(9)).build();
        e = assertThrows(IllegalArgumentException.class, () -> FeedbackMapper.toFeedback(badScore, r));
        assertTrue(e.getMessage().startsWith("score.value 9"), e.getMessage());
    }
}
