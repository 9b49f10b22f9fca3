package dev.feedloop.ml.preference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ComparisonBuilderTest {

    private static final String P = "\n\nHuman: hi\n\nAssistant:";
    private static final Response A = new Response("a", " alpha");
    private static final Response B = new Response("b", " bravo");
    private static final Response C = new Response("c", " charlie");
    private static final Response D = new Response("d", " delta");

    private static final ComparisonBuilder HARD = new ComparisonBuilder(ComparisonBuilder.Config.defaults());
    private static final ComparisonBuilder SOFT = new ComparisonBuilder(new ComparisonBuilder.Config(true, 0.0));

    private static Set<String> pairs(List<Comparison> cs) {
        return cs.stream().map(c -> c.chosen().trim() + ">" + c.rejected().trim()).collect(Collectors.toSet());
    }

    @Test
    void k4RankingGivesSixPairsWeightedOneSixthInOneGroup() {
        ComparisonBuilder.Result r = HARD.build(List.of(Ranking.ordered("p", P, List.of(A, B, C, D))));
        assertEquals(6, r.comparisons().size());
        assertEquals(1, r.groups());
        assertEquals(Set.of("alpha>bravo", "alpha>charlie", "alpha>delta", "bravo>charlie", "bravo>delta", "charlie>delta"),
                pairs(r.comparisons()));
        for (Comparison c : r.comparisons()) {
            assertEquals(1.0 / 6, c.weight(), 1e-15);
            assertEquals(1.0, c.label());
            assertEquals(0.0, c.margin());
        }
        assertEquals(6, r.stats().get(ComparisonStats.COMPARISONS));
    }

    @Test
    void k3WithATieGivesTwoPairsStillWeightedOneThird() {
        // a ≻ b ~ c: pairs a>b, a>c; b~c dropped; weight 1/C(3,2) = 1/3 (group total 2/3, see ComparisonBuilder)
        Ranking r = new Ranking("p", P, List.of(A, B, C), List.of(List.of("a"), List.of("b", "c")));
        ComparisonBuilder.Result res = HARD.build(List.of(r));
        assertEquals(Set.of("alpha>bravo", "alpha>charlie"), pairs(res.comparisons()));
        res.comparisons().forEach(c -> assertEquals(1.0 / 3, c.weight(), 1e-15));
        assertEquals(1, res.stats().get(ComparisonStats.TIED_PAIR));
    }

    @Test
    void tiesAsSoftLabelsKeepTheTiedPairWithLabelHalf() {
        Ranking r = new Ranking("p", P, List.of(A, B, C), List.of(List.of("a"), List.of("b", "c")));
        ComparisonBuilder.Result res = SOFT.build(List.of(r));
        assertEquals(3, res.comparisons().size());
        List<Comparison> ties = res.comparisons().stream().filter(Comparison::isTie).toList();
        assertEquals(1, ties.size());
        assertEquals(" bravo", ties.get(0).chosen());
        assertEquals(" charlie", ties.get(0).rejected());
        assertEquals(1.0 / 3, ties.get(0).weight(), 1e-15);
        assertEquals(0, res.stats().get(ComparisonStats.TIED_PAIR));
        assertEquals(1, res.stats().get(ComparisonStats.SOFT_LABEL_COMPARISONS));
    }

    @Test
    void allTieRankingGivesNothingAndIsCountedEvenWithSoftLabels() {
        Ranking r = new Ranking("p", P, List.of(A, B, C), List.of(List.of("a", "b", "c")));
        for (ComparisonBuilder b : List.of(HARD, SOFT)) {
            ComparisonBuilder.Result res = b.build(List.of(r));
            assertEquals(0, res.comparisons().size());
            assertEquals(1, res.stats().get(ComparisonStats.ALL_TIE_RANKING));
            assertEquals(0, res.stats().get(ComparisonStats.GROUPS));
        }
    }

    @Test
    void twoRankingsOfOnePromptAreTwoGroups() {
        ComparisonBuilder.Result res = HARD.build(List.of(
                Ranking.ordered("p", P, List.of(A, B)), Ranking.ordered("p", P, List.of(B, A))));
        assertEquals(2, res.groups());
    }

    @Test
    void scoresGivePairsWhereTheyDifferWithOptionalMargin() {
        // a 7, b 4, c 4 (from 3 and 5, mean 4), d 1: pairs a>b a>c a>d b>d c>d; b~c tie dropped
        List<Feedback> scores = List.of(new Score("p", P, A, 7), new Score("p", P, B, 4),
                new Score("p", P, C, 3), new Score("p", P, C, 5), new Score("p", P, D, 1));
        ComparisonBuilder.Result res = new ComparisonBuilder(new ComparisonBuilder.Config(false, 0.5)).build(scores);
        assertEquals(Set.of("alpha>bravo", "alpha>charlie", "alpha>delta", "bravo>delta", "charlie>delta"), pairs(res.comparisons()));
        Comparison ad = res.comparisons().stream().filter(c -> c.chosen().equals(" alpha") && c.rejected().equals(" delta")).findFirst().orElseThrow();
        assertEquals(3.0, ad.margin(), 1e-12, "(7 − 1) × 0.5");
        res.comparisons().forEach(c -> assertEquals(1.0 / 6, c.weight(), 1e-15));
        assertEquals(1, res.stats().get(ComparisonStats.TIED_PAIR));
        assertEquals(5, res.stats().get(ComparisonStats.SCORES));
        // without a scale, no margin
        HARD.build(scores).comparisons().forEach(c -> assertEquals(0.0, c.margin()));
    }

    @Test
    void scoresAllEqualOrAloneGiveNothingButAreCounted() {
        ComparisonBuilder.Result res = HARD.build(List.of(new Score("p", P, A, 5), new Score("p", P, B, 5),
                new Score("q", P + " ", C, 2)));
        assertEquals(0, res.comparisons().size());
        assertEquals(1, res.stats().get(ComparisonStats.ALL_TIE_SCORES));
        assertEquals(1, res.stats().get(ComparisonStats.SCORE_UNPAIRED));
        assertEquals(1, res.unpaired().size());
        assertEquals(2.0, res.unpaired().get(0).value());
        assertThrows(IllegalArgumentException.class, () -> new Score("p", P, A, 8));
    }

    @Test
    void thumbsUpBeatsDownOnTheSamePromptAndLoneThumbsAreKeptUnpaired() {
        List<Feedback> thumbs = List.of(
                new Thumb("p", P, A, true), new Thumb("p", P, A, true), new Thumb("p", P, A, false), // net +1
                new Thumb("p", P, B, false),                                                       // net −1
                new Thumb("p", P, C, true), new Thumb("p", P, C, false),                           // net 0
                new Thumb("q", "other", D, true));                                                 // alone
        ComparisonBuilder.Result res = HARD.build(thumbs);
        assertEquals(Set.of("alpha>bravo"), pairs(res.comparisons()));
        assertEquals(1.0, res.comparisons().get(0).weight(), 1e-15, "K = 2 thumbed responses");
        assertEquals(1, res.stats().get(ComparisonStats.THUMB_NET_ZERO));
        assertEquals(1, res.stats().get(ComparisonStats.THUMB_UNPAIRED));
        assertEquals(7, res.stats().get(ComparisonStats.THUMBS));
        UnpairedLabel u = res.unpaired().get(0);
        assertEquals("d", u.response().id());
        assertEquals(1.0, u.value());
        assertEquals("thumb", u.source());
    }

    @Test
    void twoUpsAndNoDownAreBothUnpaired() {
        ComparisonBuilder.Result res = HARD.build(List.of(new Thumb("p", P, A, true), new Thumb("p", P, B, true)));
        assertEquals(0, res.comparisons().size());
        assertEquals(2, res.unpaired().size());
    }

    @Test
    void aFlaggedResponseRanksBelowEachUnflaggedSibling() {
        // siblings come from any feedback on the prompt: here a ranking of b ≻ c and a thumb on a
        List<Feedback> fb = List.of(Ranking.ordered("p", P, List.of(B, C)), new Thumb("p", P, A, true),
                new Flag("p", P, D, "unsafe"), new Flag("p", P, C, "unsafe"));
        ComparisonBuilder.Result res = HARD.build(fb);
        List<Comparison> flagPairs = res.comparisons().stream().filter(c -> c.groupId().startsWith("flags:")).toList();
        // unflagged {b, a} × flagged {d, c}; K = 4 → weight 1/6
        assertEquals(Set.of("bravo>delta", "bravo>charlie", "alpha>delta", "alpha>charlie"), pairs(flagPairs));
        flagPairs.forEach(c -> assertEquals(1.0 / 6, c.weight(), 1e-15));
        assertEquals(1, res.unpaired().size(), "the lone thumb on a");
    }

    @Test
    void aFlagWithNoUnflaggedSiblingIsKeptUnpaired() {
        ComparisonBuilder.Result res = HARD.build(List.of(new Flag("p", P, A, "")));
        assertEquals(0, res.comparisons().size());
        assertEquals(1, res.stats().get(ComparisonStats.FLAG_UNPAIRED));
        assertEquals(-1.0, res.unpaired().get(0).value());
    }

    @Test
    void identicalTextsAreDroppedAndCounted() {
        Response twin = new Response("a2", " alpha");
        ComparisonBuilder.Result res = HARD.build(List.of(Ranking.ordered("p", P, List.of(A, twin, B))));
        assertEquals(Set.of("alpha>bravo"), pairs(res.comparisons()));
        assertEquals(2, res.comparisons().size(), "a>b and a2>b");
        assertEquals(1, res.stats().get(ComparisonStats.IDENTICAL_TEXT));
    }

    @Test
    void invalidFeedbackIsRejectedWithTheNumbers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ranking.ordered("p", P, List.of(A)));
        assertTrue(e.getMessage().contains("1 responses"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Ranking("p", P, List.of(A, B), List.of(List.of("a"))));
        assertThrows(IllegalArgumentException.class,
                () -> HARD.build(List.of(new Thumb("p", P, A, true), new Thumb("p", "different", B, false))));
    }
}
