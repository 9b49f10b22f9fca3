package dev.feedloop.cli.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.events.v1.Tier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenAssistant trees → a rollout per prompter message, sibling ranks as tiers, reactions as thumbs and flags. */
class OasstImportTest {
    /**
     * Root "q" with four assistant replies: a (rank 0; +1 ×2, -1 ×1, red_flag ×1), b and c (rank 1, tied),
     * d (unranked, +1: outside the ranking); under a, a follow-up "f" with one reply e (+1, reactions only).
     */
    static final String TREE = "{\"message_tree_id\": \"q\", \"prompt\": {\"message_id\": \"q\", \"role\": \"prompter\", \"text\": \"Hi?\", \"replies\": ["
            + "{\"message_id\": \"a\", \"role\": \"assistant\", \"text\": \"A\", \"rank\": 0, \"emojis\": {\"+1\": 2, \"-1\": 1, \"red_flag\": 1, \"_skip_reply\": 3}, \"replies\": ["
            + "  {\"message_id\": \"f\", \"role\": \"prompter\", \"text\": \"More?\", \"replies\": ["
            + "    {\"message_id\": \"e\", \"role\": \"assistant\", \"text\": \"E\", \"rank\": null, \"emojis\": {\"+1\": 1}, \"replies\": []}]}]},"
            + "{\"message_id\": \"b\", \"role\": \"assistant\", \"text\": \"B\", \"rank\": 1, \"replies\": []},"
            + "{\"message_id\": \"c\", \"role\": \"assistant\", \"text\": \"C\", \"rank\": 1, \"replies\": []},"
            + "{\"message_id\": \"d\", \"role\": \"assistant\", \"text\": \"D\", \"rank\": null, \"emojis\": {\"+1\": 1}, \"replies\": []}]}}";

    @TempDir
    Path dir;

    ImportBatch read(Instant at) throws IOException {
        Path f = dir.resolve("trees.jsonl");
        Files.writeString(f, TREE + "\n");
        return OasstImport.read(f, at);
    }

    @Test
    void rankedSiblingsBecomeARankingAndReactionsThumbsAndFlags() throws IOException {
        ImportBatch batch = read(Instant.EPOCH);
        assertEquals(2, batch.rollouts().size());
        RolloutGenerated root = batch.rollouts().get(0);
        assertEquals("oasst:q", root.getPromptId());
        assertEquals("\n\nHuman: Hi?\n\nAssistant:", root.getPromptText());
        assertEquals(List.of("a", "b", "c"), root.getResponsesList().stream().map(Response::getResponseId).toList(),
                "the ranked replies; d is unranked");
        assertEquals(" A", root.getResponses(0).getText());
        assertEquals(Source.IMPORT, root.getSource());
        assertEquals(-1, root.getPolicyVersion());

        List<FeedbackRecorded> onRoot = batch.feedback().stream().filter(f -> f.getRolloutId().equals(root.getRolloutId())).toList();
        FeedbackRecorded ranking = onRoot.get(0);
        assertEquals(FeedbackRecorded.KindCase.RANKING, ranking.getKindCase());
        assertEquals(List.of(List.of("a"), List.of("b", "c")),
                ranking.getRanking().getTiersList().stream().map(Tier::getResponseIdsList).toList());
        assertEquals(2, onRoot.stream().filter(f -> f.hasThumb() && f.getThumb().getUp() && f.getThumb().getResponseId().equals("a")).count());
        assertEquals(1, onRoot.stream().filter(f -> f.hasThumb() && !f.getThumb().getUp()).count());
        assertEquals(1, onRoot.stream().filter(f -> f.hasFlag() && f.getFlag().getCategory().equals("red_flag")).count());
        assertEquals(5, onRoot.size(), "ranking + 3 thumbs + 1 flag; d's thumb is dropped");
        assertEquals(1, batch.stats().get(OasstImport.REACTION_OUTSIDE_RANKING));
        assertTrue(onRoot.stream().allMatch(f -> f.getSource() == Source.IMPORT && f.getAnnotator().equals("import:oasst")));

        RolloutGenerated followUp = batch.rollouts().get(1);
        assertEquals("oasst:f", followUp.getPromptId());
        assertEquals("\n\nHuman: Hi?\n\nAssistant: A\n\nHuman: More?\n\nAssistant:", followUp.getPromptText());
        assertEquals(List.of("e"), followUp.getResponsesList().stream().map(Response::getResponseId).toList());
        List<FeedbackRecorded> onFollowUp = batch.feedback().stream()
                .filter(f -> f.getRolloutId().equals(followUp.getRolloutId())).toList();
        assertEquals(1, onFollowUp.size());
        assertTrue(onFollowUp.get(0).getThumb().getUp());
        assertEquals(6, batch.feedback().stream().map(FeedbackRecorded::getEventId).distinct().count(), "every event its own id");
    }

    @Test
    void theSameTreesGiveTheSameIdsAtAnyTime() throws IOException {
        ImportBatch a = read(Instant.ofEpochSecond(5));
        ImportBatch b = read(Instant.ofEpochSecond(99));
        assertEquals(a.rollouts().stream().map(RolloutGenerated::getEventId).toList(),
                b.rollouts().stream().map(RolloutGenerated::getEventId).toList());
        assertEquals(a.feedback().stream().map(FeedbackRecorded::getEventId).toList(),
                b.feedback().stream().map(FeedbackRecorded::getEventId).toList());
        assertEquals(a.rollouts().get(0).getRolloutId(), b.rollouts().get(0).getRolloutId());
    }
}
