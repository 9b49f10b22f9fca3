package dev.feedloop.ml.preference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Counts measured on the bundled files and cross-checked with an independent python3 walk of the
 * same JSON (see the report of the preference branch): 100 trees; 212 prompter messages with ≥ 2
 * ranked assistant replies → 212 rankings of 641 replies, sizes {2: 57, 3: 117, 4: 27, 5: 3, 6: 6,
 * 8: 1, 9: 1}, 754 pairs, no tied ranks; 1 null-rank reply inside a ranked group; 2 groups with
 * fewer than 2 ranks. Reactions on assistant replies: 854 "+1", 372 "-1", 6 "red_flag"; 1,167
 * reactions sit on prompter messages.
 */
class OasstLoaderTest {

    private static final Path TREES = TestData.file("preferences/oasst/en_100_tree.jsonl");
    private static final Path MESSAGES = TestData.file("preferences/oasst/en_100_message.jsonl");

    @Test
    void rankingsFromSiblingRanks() {
        ComparisonStats stats = new ComparisonStats();
        List<Ranking> rankings = OasstLoader.loadRankings(TREES, stats);
        assertEquals(100, stats.get(ComparisonStats.OASST_TREES));
        assertEquals(212, rankings.size());
        assertEquals(641, stats.get(ComparisonStats.OASST_RANKED_REPLIES));
        assertEquals(1, stats.get(ComparisonStats.OASST_UNRANKED_REPLY));
        assertEquals(2, stats.get(ComparisonStats.OASST_UNRANKED_GROUP));
        Map<Integer, Integer> sizes = new TreeMap<>();
        rankings.forEach(r -> sizes.merge(r.responses().size(), 1, Integer::sum));
        assertEquals(Map.of(2, 57, 3, 117, 4, 27, 5, 3, 6, 6, 8, 1, 9, 1), sizes);
        rankings.forEach(r -> {
            assertTrue(r.prompt().startsWith(Transcript.HUMAN) && r.prompt().endsWith(Transcript.ASSISTANT), r.promptId());
            assertEquals(r.responses().size(), r.tiers().size(), "no tied ranks in this file");
        });

        ComparisonBuilder.Result built = new ComparisonBuilder(ComparisonBuilder.Config.defaults()).build(rankings, stats);
        assertEquals(754, built.comparisons().size());
        assertEquals(212, built.groups());
        assertEquals(0, stats.get(ComparisonStats.IDENTICAL_TEXT));
        // every ranking here is strict, so each group's weights sum to 1
        Map<String, Double> groupWeight = new TreeMap<>();
        built.comparisons().forEach(c -> groupWeight.merge(c.groupId(), c.weight(), Double::sum));
        groupWeight.values().forEach(w -> assertEquals(1.0, w, 1e-12));
    }

    @Test
    void theFirstTreeIsReadAsExpected() {
        // tree 054e1df3…: "How can I find the best 401k plan for my needs?", first reply has rank 0
        List<Ranking> rankings = OasstLoader.loadRankings(TREES, new ComparisonStats());
        Ranking first = rankings.get(0);
        assertEquals("054e1df3-35e0-4bb8-a585-607dbdcd24e0", first.promptId());
        assertEquals("\n\nHuman: How can I find the best 401k plan for my needs?\n\nAssistant:", first.prompt());
        assertEquals(List.of("fa783ef0-4f4e-457d-b429-afd89edf8757"), first.tiers().get(0));
        assertTrue(first.responses().get(0).text().startsWith(" The first step is to research your options."));
    }

    /**
     * Thumbs per response are netted (ups − downs): python3 gives 66 prompts with both a liked and a
     * disliked reply → 122 pairs; 249 replies on one side only → unpaired; 25 replies net zero.
     * Red flags (siblings = replies with any reaction on the same prompt): 5 groups, 6 pairs.
     */
    @Test
    void reactionsBecomeThumbsAndFlags() {
        ComparisonStats stats = new ComparisonStats();
        List<Feedback> reactions = OasstLoader.loadReactions(MESSAGES, stats);
        assertEquals(854, stats.get(ComparisonStats.OASST_THUMBS_UP));
        assertEquals(372, stats.get(ComparisonStats.OASST_THUMBS_DOWN));
        assertEquals(6, stats.get(ComparisonStats.OASST_RED_FLAGS));
        assertEquals(1167, stats.get(ComparisonStats.OASST_PROMPTER_REACTIONS));
        assertEquals(854 + 372 + 6, reactions.size());

        ComparisonBuilder.Result built = new ComparisonBuilder(ComparisonBuilder.Config.defaults()).build(reactions, stats);
        long thumbPairs = built.comparisons().stream().filter(c -> c.groupId().startsWith("thumbs:")).count();
        long thumbGroups = built.comparisons().stream().filter(c -> c.groupId().startsWith("thumbs:"))
                .map(Comparison::groupId).distinct().count();
        long flagPairs = built.comparisons().stream().filter(c -> c.groupId().startsWith("flags:")).count();
        long flagGroups = built.comparisons().stream().filter(c -> c.groupId().startsWith("flags:"))
                .map(Comparison::groupId).distinct().count();
        assertEquals(122, thumbPairs);
        assertEquals(66, thumbGroups);
        assertEquals(6, flagPairs);
        assertEquals(5, flagGroups);
        assertEquals(249, stats.get(ComparisonStats.THUMB_UNPAIRED));
        assertEquals(25, stats.get(ComparisonStats.THUMB_NET_ZERO));
        assertEquals(0, stats.get(ComparisonStats.FLAG_UNPAIRED));
        assertEquals(1226, stats.get(ComparisonStats.THUMBS));
    }
}
