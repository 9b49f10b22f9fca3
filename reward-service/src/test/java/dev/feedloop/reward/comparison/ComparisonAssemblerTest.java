package dev.feedloop.reward.comparison;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.ml.preference.ComparisonBuilder;
import dev.feedloop.ml.preference.HeldOutSplit;
import dev.feedloop.ml.preference.PairEncoder;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;
import dev.feedloop.ml.train.EncodedPair;
import dev.feedloop.reward.Fixtures;
import dev.feedloop.reward.feedback.FeedbackMapper;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With the real stories260K tokenizer (plain Java, no DJL). */
class ComparisonAssemblerTest {

    static final Llama2cTokenizer TOKENIZER = Llama2cTokenizer.load(Path.of("../data/models/stories260K/tok512.bin"));
    static final double FRACTION = 0.5;

    final ComparisonAssembler assembler = new ComparisonAssembler(new ComparisonBuilder(ComparisonBuilder.Config.defaults()),
            new PairEncoder(TOKENIZER, 32, true, true), new HeldOutSplit(FRACTION), 100);

    RolloutGenerated rollout(boolean heldOut) {
        return Fixtures.rollout("r1", Fixtures.prompt("Once upon a time", heldOut, FRACTION),
                "The cat was happy.", "The dog ran.", "Lily was sad.", "Tom ate a cake.");
    }

    List<ComparisonAssembler.Group> assemble(RolloutGenerated r, dev.feedloop.contracts.events.v1.FeedbackRecorded f) {
        return assembler.assemble(f.getEventId(), FeedbackMapper.toFeedback(f, r));
    }

    @Test
    void aRankingOfFourIsOneGroupOfSixPairsWeighingOneSixthEach() {
        RolloutGenerated r = rollout(false);
        List<ComparisonAssembler.Group> groups = assemble(r, Fixtures.ranking("e1", r, 2, 0, 1, 3));

        assertEquals(1, groups.size());
        ComparisonAssembler.Group g = groups.get(0);
        assertEquals("ranking:e1", g.groupId());
        assertFalse(g.heldOut());
        assertEquals(6, g.pairs().size());
        EncodedPair first = g.pairs().get(0);
        assertEquals(1f / 6, first.weight(), 1e-7);
        assertEquals(1f, first.label());
        assertEquals(Llama2cTokenizer.BOS_ID, first.prompt()[0]);
        int[] promptTokens = TOKENIZER.encode(r.getPromptText());
        assertArrayEquals(promptTokens, Arrays.copyOfRange(first.prompt(), 1, first.prompt().length));
        // best (index 2) over the next (index 0): the response tokens then EOS
        assertArrayEquals(append(TOKENIZER.encode("Lily was sad."), Llama2cTokenizer.EOS_ID), first.chosen());
        assertArrayEquals(append(TOKENIZER.encode("The cat was happy."), Llama2cTokenizer.EOS_ID), first.rejected());
        for (EncodedPair p : g.pairs()) {
            assertTrue(p.prompt().length + Math.max(p.chosen().length, p.rejected().length) <= 32);
        }
    }

    @Test
    void scoresOfOneRolloutRebuildItsScoreGroup() {
        RolloutGenerated r = rollout(false);
        List<ComparisonAssembler.Group> first = assemble(r, Fixtures.score("s1", r, 0, 7));
        assertEquals(List.of("scores:r1", "thumbs:r1", "flags:r1"), first.stream().map(ComparisonAssembler.Group::groupId).toList());
        assertTrue(first.stream().allMatch(g -> g.pairs().isEmpty()), "one score alone pairs with nothing");

        List<ComparisonAssembler.Group> second = assemble(r, Fixtures.score("s2", r, 1, 2));
        EncodedPair pair = second.get(0).pairs().get(0);
        assertEquals(1, second.get(0).pairs().size());
        assertArrayEquals(append(TOKENIZER.encode("The cat was happy."), Llama2cTokenizer.EOS_ID), pair.chosen());
        assertEquals(1f, pair.weight(), "C(2,2) = 1");

        List<ComparisonAssembler.Group> third = assemble(r, Fixtures.score("s3", r, 2, 4));
        assertEquals(3, third.get(0).pairs().size(), "three scored responses: three pairs");
        assertEquals(1f / 3, third.get(0).pairs().get(0).weight(), 1e-7);
    }

    @Test
    void aHeldOutPromptHoldsOutTheWholeGroupAndATieGivesNothing() {
        RolloutGenerated r = rollout(true);
        ComparisonAssembler.Group g = assemble(r, Fixtures.ranking("e2", r, 0, 1, 2, 3)).get(0);
        assertTrue(g.heldOut());
        assertEquals(6, g.pairs().size());
        ComparisonAssembler.Group tie = assemble(r, Fixtures.comparison("e3", r, 0, 1,
                dev.feedloop.contracts.events.v1.Comparison.Outcome.TIE)).get(0);
        assertEquals(0, tie.pairs().size());
    }

    static int[] append(int[] tokens, int last) {
        int[] out = Arrays.copyOf(tokens, tokens.length + 1);
        out[tokens.length] = last;
        return out;
    }
}
