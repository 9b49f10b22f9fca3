package dev.feedloop.labeling.annotators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.Ranking;
import dev.feedloop.contracts.events.v1.Score;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.events.v1.Tier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Agreement worked by hand: every number below is counted pair by pair in the comments. */
class AgreementTrackerTest {

    private static final double EPS = 1e-12;

    /** A ranking; tiers written like "a", "b", "c=d": best first, '=' ties. */
    private static FeedbackRecorded ranking(String rollout, String annotator, String... tiers) {
        Ranking.Builder r = Ranking.newBuilder();
        for (String tier : tiers) {
            r.addTiers(Tier.newBuilder().addAllResponseIds(List.of(tier.split("="))));
        }
        return FeedbackRecorded.newBuilder().setEventId(UUID.randomUUID().toString()).setRolloutId(rollout)
                .setAnnotator(annotator).setSource(Source.ANNOTATOR).setRanking(r).build();
    }

    private static List<FeedbackRecorded> events() {
        return List.of(
                // r1, 4 responses, 6 pairs. alice a>b>c>d, bob b>a>c=d:
                // ab disagree (a>b vs b>a); ac, ad, bc, bd agree; cd disagree (c>d vs tie) → 4/6
                ranking("r1", "alice", "a", "b", "c", "d"),
                ranking("r1", "bob", "b", "a", "c=d"),
                // r2, 3 responses, 3 pairs. alice = bob (3/3); carol reversed: 0/3 with each
                ranking("r2", "alice", "x", "y", "z"),
                ranking("r2", "bob", "x", "y", "z"),
                ranking("r2", "carol", "z", "y", "x"),
                // r3: one annotator only, nothing to compare
                ranking("r3", "alice", "p", "q"),
                // not rankings, or not people: ignored
                FeedbackRecorded.newBuilder().setEventId("s").setRolloutId("r1").setAnnotator("carol")
                        .setSource(Source.ANNOTATOR).setScore(Score.newBuilder().setResponseId("a").setValue(7)).build(),
                ranking("r1", "user:ff", "d", "c", "b", "a").toBuilder().setSource(Source.PRODUCTION).build());
    }

    @Test
    void comparesResponsePairsWithTiesAsAnOrder() {
        assertEquals(new AgreementTracker.Counts(6, 4), AgreementTracker.compare(
                Map.of("a", 0, "b", 1, "c", 2, "d", 3), Map.of("b", 0, "a", 1, "c", 2, "d", 2)));
        assertEquals(new AgreementTracker.Counts(1, 1), AgreementTracker.compare(Map.of("a", 0, "b", 0), Map.of("a", 4, "b", 4)));
        assertEquals(new AgreementTracker.Counts(1, 0), AgreementTracker.compare(Map.of("a", 0, "b", 1), Map.of("a", 1, "b", 0)));
        // only responses both ranked count: {a, b} → one pair
        assertEquals(new AgreementTracker.Counts(1, 1), AgreementTracker.compare(Map.of("a", 0, "b", 1, "c", 2), Map.of("a", 0, "b", 1)));
    }

    @Test
    void perAnnotatorPerPairAndOverall() {
        AgreementTracker tracker = new AgreementTracker();
        events().forEach(tracker::record);
        AgreementTracker.Report report = tracker.report();

        assertEquals(2, report.sharedRollouts());
        // pooled: alice-bob 4/6 + 3/3, alice-carol 0/3, bob-carol 0/3 → 7/15
        assertEquals(15, report.pairs());
        assertEquals(7, report.agreed());
        assertEquals(7.0 / 15, report.overall(), EPS);

        assertEquals(List.of(
                new AgreementTracker.AnnotatorAgreement("alice", 2, 12, 7, 7.0 / 12),   // 4/6 + 3/3 + 0/3
                new AgreementTracker.AnnotatorAgreement("bob", 2, 12, 7, 7.0 / 12),
                new AgreementTracker.AnnotatorAgreement("carol", 1, 6, 0, 0.0)), report.annotators());
        assertEquals(List.of(
                new AgreementTracker.PairAgreement("alice", "bob", 2, 9, 7, 7.0 / 9),
                new AgreementTracker.PairAgreement("alice", "carol", 1, 3, 0, 0.0),
                new AgreementTracker.PairAgreement("bob", "carol", 1, 3, 0, 0.0)), report.pairsOfAnnotators());
        assertEquals(0.583333, report.annotators().get(0).agreement(), 1e-6);
    }

    @Test
    void aReplayInAnyOrderAndAnyNumberOfTimesGivesTheSameReport() {
        AgreementTracker once = new AgreementTracker();
        events().forEach(once::record);
        List<FeedbackRecorded> twice = new ArrayList<>(events());
        twice.addAll(events());
        Collections.shuffle(twice, new java.util.Random(7));
        AgreementTracker replayed = new AgreementTracker();
        twice.forEach(replayed::record);
        assertEquals(once.report(), replayed.report());
    }

    @Test
    void anAnnotatorsLatestRankingOfARolloutCounts() {
        AgreementTracker tracker = new AgreementTracker();
        tracker.record(ranking("r1", "alice", "a", "b"));
        tracker.record(ranking("r1", "bob", "b", "a"));
        assertEquals(0.0, tracker.report().overall(), EPS);
        tracker.record(ranking("r1", "bob", "a", "b"));  // bob changed his mind
        assertEquals(1.0, tracker.report().overall(), EPS);
        assertTrue(Double.isNaN(new AgreementTracker().report().overall()), "no shared rollout: NaN (shown as –)");
    }
}
