package dev.feedloop.cli.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.ml.preference.ComparisonStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The bundled OpenAssistant trees, in both of their layouts, map to the same events. */
class OasstBundledTest {
    static Path data(String name) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("data/preferences/oasst"))) {
                return d.resolve("data/preferences/oasst").resolve(name);
            }
        }
        throw new AssertionError("no data/preferences/oasst above " + Path.of("").toAbsolutePath());
    }

    @Test
    void treeAndMessageExportsGiveTheSameEventsAndEveryRankingCoversItsRollout() {
        ImportBatch tree = OasstImport.read(data("en_100_tree.jsonl"), Instant.EPOCH);
        ImportBatch message = OasstImport.read(data("en_100_message.jsonl"), Instant.ofEpochSecond(7));
        assertEquals(ids(tree.feedback()), ids(message.feedback()));
        assertEquals(tree.rollouts().stream().map(RolloutGenerated::getEventId).toList(),
                message.rollouts().stream().map(RolloutGenerated::getEventId).toList());

        Map<FeedbackRecorded.KindCase, Long> kinds = tree.feedback().stream()
                .collect(Collectors.groupingBy(FeedbackRecorded::getKindCase, Collectors.counting()));
        assertEquals(tree.stats().get(ComparisonStats.OASST_RANKINGS), kinds.get(FeedbackRecorded.KindCase.RANKING));
        assertEquals(212L, kinds.get(FeedbackRecorded.KindCase.RANKING));
        assertEquals(tree.stats().get(ComparisonStats.OASST_THUMBS_UP) + tree.stats().get(ComparisonStats.OASST_THUMBS_DOWN),
                kinds.get(FeedbackRecorded.KindCase.THUMB));
        assertEquals(tree.feedback().size(), new HashSet<>(ids(tree.feedback())).size(), "no two events share an id");

        Map<String, RolloutGenerated> rollouts = tree.rollouts().stream()
                .collect(Collectors.toMap(RolloutGenerated::getRolloutId, r -> r));
        for (FeedbackRecorded f : tree.feedback()) {
            RolloutGenerated r = rollouts.get(f.getRolloutId());
            Set<String> responses = r.getResponsesList().stream().map(x -> x.getResponseId()).collect(Collectors.toSet());
            if (f.hasRanking()) {
                Set<String> ranked = new HashSet<>();
                f.getRanking().getTiersList().forEach(t -> ranked.addAll(t.getResponseIdsList()));
                assertEquals(responses, ranked, "a ranking orders exactly its rollout's responses");
            } else {
                String id = f.hasThumb() ? f.getThumb().getResponseId() : f.getFlag().getResponseId();
                assertTrue(responses.contains(id), id);
            }
            assertEquals(r.getPromptId(), f.getPromptId());
        }
    }

    static List<String> ids(List<FeedbackRecorded> events) {
        return events.stream().map(FeedbackRecorded::getEventId).toList();
    }
}
