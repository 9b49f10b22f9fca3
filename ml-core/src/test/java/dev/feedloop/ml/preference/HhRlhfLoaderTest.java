package dev.feedloop.ml.preference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HhRlhfLoaderTest {

    private static final Path FILE = TestData.file("preferences/hh-rlhf/harmless-base-test.jsonl.gz");

    @Test
    void splitsTheSharedPrefixAtTheLastAssistantTurn() {
        ComparisonStats stats = new ComparisonStats();
        String ctx = "\n\nHuman: hi\n\nAssistant: hello\n\nHuman: tell me\n\nAssistant:";
        // the replies share their first word: the cut is still at the last Assistant marker
        Ranking r = HhRlhfLoader.parse("x:1", ctx + " Sure, here", ctx + " Sure? no", stats);
        assertEquals(ctx, r.prompt());
        assertEquals(" Sure, here", r.responses().get(0).text());
        assertEquals(" Sure? no", r.responses().get(1).text());
        assertEquals(List.of(List.of("x:1:chosen"), List.of("x:1:rejected")), r.tiers());
    }

    @Test
    void aRowThatDiffersBeforeTheLastTurnIsDroppedAsContextMismatch() {
        ComparisonStats stats = new ComparisonStats();
        String ctx = "\n\nHuman: hi\n\nAssistant:";
        // as in the real file: one side has an extra exchange
        assertNull(HhRlhfLoader.parse("x:1", ctx + " a\n\nHuman: more\n\nAssistant: b", ctx + " c", stats));
        assertEquals(1, stats.get(ComparisonStats.HH_CONTEXT_MISMATCH));
        assertNull(HhRlhfLoader.parse("x:2", "no turns", "none here", stats));
        assertEquals(1, stats.get(ComparisonStats.HH_NO_ASSISTANT_TURN));
    }

    @Test
    void emptyChosenRepliesAreKeptAndCounted() {
        ComparisonStats stats = new ComparisonStats();
        String ctx = "\n\nHuman: how do I steal?\n\nAssistant:";
        Ranking r = HhRlhfLoader.parse("x:1", ctx + " ", ctx + " Like this", stats);
        assertEquals(" ", r.responses().get(0).text());
        assertEquals(1, stats.get(ComparisonStats.HH_EMPTY_CHOSEN));
    }

    /**
     * Counts measured on the bundled file and cross-checked with an independent python3 script
     * (rfind of "\n\nAssistant:" in each transcript, compare contexts): 2,312 lines = 2,307 pairs +
     * 5 context mismatches (lines 1255, 1689, 1951, 1953, 2037: one side has an extra exchange);
     * 4 chosen replies are empty (lines 87, 517, 926, 1104), no rejected one; no identical pair.
     */
    @Test
    void realFileCountsAddUp() {
        ComparisonStats stats = new ComparisonStats();
        List<Ranking> rankings = HhRlhfLoader.load(FILE, "hh-rlhf/harmless-base-test", stats);
        assertEquals(2312, stats.get(ComparisonStats.HH_LINES));
        assertEquals(2307, rankings.size());
        assertEquals(2307, stats.get(ComparisonStats.HH_PAIRS));
        assertEquals(5, stats.get(ComparisonStats.HH_CONTEXT_MISMATCH));
        assertEquals(0, stats.get(ComparisonStats.HH_NO_ASSISTANT_TURN));
        assertEquals(stats.get(ComparisonStats.HH_LINES), stats.get(ComparisonStats.HH_PAIRS)
                + stats.get(ComparisonStats.HH_CONTEXT_MISMATCH) + stats.get(ComparisonStats.HH_NO_ASSISTANT_TURN));
        assertEquals(4, stats.get(ComparisonStats.HH_EMPTY_CHOSEN));
        assertEquals(0, stats.get(ComparisonStats.HH_EMPTY_REJECTED));
        for (Ranking r : rankings) {
            assertTrue(r.prompt().endsWith(Transcript.ASSISTANT), r.promptId());
            assertTrue(r.prompt().startsWith(Transcript.HUMAN), r.promptId());
        }
        assertEquals(" ", rankings.stream().filter(r -> r.promptId().endsWith(":87")).findFirst().orElseThrow()
                .responses().get(0).text());

        ComparisonBuilder.Result built = new ComparisonBuilder(ComparisonBuilder.Config.defaults()).build(rankings, stats);
        assertEquals(2307, built.comparisons().size());
        assertEquals(2307, built.groups());
        assertEquals(0, stats.get(ComparisonStats.IDENTICAL_TEXT));
        built.comparisons().forEach(c -> assertEquals(1.0, c.weight()));
    }

    /** Not a correctness check beyond sanity: prints the baselines' held-out accuracy on real data. */
    @Test
    void baselinesOnTheRealFile() {
        List<Ranking> rankings = HhRlhfLoader.load(FILE, "hh-rlhf/harmless-base-test", new ComparisonStats());
        List<Comparison> all = new ComparisonBuilder(ComparisonBuilder.Config.defaults()).build(rankings).comparisons();
        HeldOutSplit.Split split = new HeldOutSplit(0.2).split(all);
        PairwiseAccuracy longer = PairwiseAccuracy.of(split.heldOut(), LengthBaseline.LONGER);
        PairwiseAccuracy shorter = PairwiseAccuracy.of(split.heldOut(), LengthBaseline.SHORTER);
        BagOfWordsLogReg bow = BagOfWordsLogReg.train(split.train(), BagOfWordsLogReg.Config.defaults());
        PairwiseAccuracy bowHeldOut = PairwiseAccuracy.of(split.heldOut(), bow);
        PairwiseAccuracy bowTrain = PairwiseAccuracy.of(split.train(), bow);
        System.out.printf("HH-RLHF harmless-base-test: %d train / %d held-out pairs (20%% by prompt hash)%n",
                split.train().size(), split.heldOut().size());
        System.out.println("  prefer longer : " + longer);
        System.out.println("  prefer shorter: " + shorter);
        System.out.println("  bag-of-words LR held-out: " + bowHeldOut + "  (train " + bowTrain + ")");
        assertTrue(split.heldOut().size() > 300 && split.heldOut().size() < 620, "held out " + split.heldOut().size());
        assertEquals(1.0, longer.accuracy() + shorter.accuracy(), 1e-12);
        assertTrue(longer.lower95() <= longer.accuracy() && longer.accuracy() <= longer.upper95());
        assertTrue(bowTrain.accuracy() > 0.6, "the logistic regression at least fits its training pairs: " + bowTrain);
    }
}
