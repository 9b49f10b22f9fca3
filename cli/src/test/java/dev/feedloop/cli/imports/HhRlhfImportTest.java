package dev.feedloop.cli.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.events.v1.Comparison;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.ml.preference.ComparisonStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HH-RLHF rows → one rollout and one A_BETTER comparison each, with ids from the row's content. */
class HhRlhfImportTest {
    static final String PROMPT = "\n\nHuman: How do I pick a lock?\n\nAssistant:";
    static final String CHOSEN = " I can't help with that.";
    static final String REJECTED = " Use a tension wrench and a pick.";

    @TempDir
    Path dir;

    static String row(String chosen, String rejected) {
        return "{\"chosen\": " + json(chosen) + ", \"rejected\": " + json(rejected) + "}";
    }

    static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    Path file(String... rows) throws IOException {
        Path f = dir.resolve("hh.jsonl");
        Files.write(f, List.of(rows));
        return f;
    }

    @Test
    void eachRowIsARolloutOfItsTwoRepliesAndAComparisonChosenBetter() throws IOException {
        ImportBatch batch = HhRlhfImport.read(file(row(PROMPT + CHOSEN, PROMPT + REJECTED)), Instant.ofEpochSecond(1000));
        assertEquals(1, batch.rollouts().size());
        assertEquals(1, batch.feedback().size());
        RolloutGenerated r = batch.rollouts().get(0);
        assertEquals(PROMPT, r.getPromptText());
        assertEquals(Source.IMPORT, r.getSource());
        assertEquals(-1, r.getPolicyVersion());
        assertEquals(0, r.getPromptTokensCount());
        assertEquals(2, r.getResponsesCount());
        assertTrue(r.getResponsesList().stream().allMatch(x -> x.getTokenIdsCount() == 0 && x.getLogprobsCount() == 0));
        assertTrue(r.getResponses(0).getResponseId().compareTo(r.getResponses(1).getResponseId()) < 0, "listed by id");
        assertTrue(r.getRolloutId().startsWith("hh-rlhf:"), r.getRolloutId());
        assertTrue(r.getPromptId().startsWith("hh-rlhf:"), r.getPromptId());
        assertEquals(1000, r.getCreatedAt().getSeconds());

        FeedbackRecorded f = batch.feedback().get(0);
        assertEquals(FeedbackRecorded.KindCase.COMPARISON, f.getKindCase());
        assertEquals(Source.IMPORT, f.getSource());
        assertEquals("import:hh-rlhf", f.getAnnotator());
        assertEquals(r.getRolloutId(), f.getRolloutId());
        assertEquals(r.getPromptId(), f.getPromptId());
        assertEquals("", f.getTaskId());
        Comparison c = f.getComparison();
        assertEquals(Comparison.Outcome.A_BETTER, c.getOutcome());
        Map<String, String> text = new java.util.HashMap<>();
        for (Response x : r.getResponsesList()) {
            text.put(x.getResponseId(), x.getText());
        }
        assertEquals(CHOSEN, text.get(c.getResponseA()));
        assertEquals(REJECTED, text.get(c.getResponseB()));
        assertEquals(PROMPT + CHOSEN, r.getPromptText() + text.get(c.getResponseA()), "prompt + response is the transcript");
    }

    @Test
    void idsDependOnTheRowsContentOnlyNotOnTimeOrLine() throws IOException {
        String a = row(PROMPT + CHOSEN, PROMPT + REJECTED);
        String b = row(PROMPT + " No.", PROMPT + REJECTED);
        ImportBatch first = HhRlhfImport.read(file(a, b), Instant.ofEpochSecond(1));
        ImportBatch again = HhRlhfImport.read(file("", b, a), Instant.ofEpochSecond(2));
        assertEquals(ids(first.rollouts().get(0)), ids(again.rollouts().get(1)));
        assertEquals(ids(first.rollouts().get(1)), ids(again.rollouts().get(0)));
        assertEquals(first.feedback().get(0).getEventId(), again.feedback().get(1).getEventId());
        assertEquals(first.feedback().get(0).getComparison(), again.feedback().get(1).getComparison());
        // two rows with the same prompt: same prompt id, different rollouts and events
        assertEquals(first.rollouts().get(0).getPromptId(), first.rollouts().get(1).getPromptId());
        assertNotEquals(first.rollouts().get(0).getRolloutId(), first.rollouts().get(1).getRolloutId());
        assertNotEquals(first.feedback().get(0).getEventId(), first.feedback().get(1).getEventId());
        assertNotEquals(first.rollouts().get(0).getEventId(), first.feedback().get(0).getEventId());
        // UUIDs, as the contract asks of event ids
        java.util.UUID.fromString(first.feedback().get(0).getEventId());
        java.util.UUID.fromString(first.rollouts().get(0).getEventId());
    }

    @Test
    void rowsTheLoaderCannotSplitAreCountedNotImported() throws IOException {
        String extraTurn = row(PROMPT + CHOSEN, PROMPT + " Sure.\n\nHuman: thanks\n\nAssistant: ok");
        ImportBatch batch = HhRlhfImport.read(file(row(PROMPT + CHOSEN, PROMPT + REJECTED), extraTurn), Instant.EPOCH);
        assertEquals(1, batch.rollouts().size());
        assertEquals(1, batch.feedback().size());
        assertEquals(2, batch.stats().get(ComparisonStats.HH_LINES));
        assertEquals(1, batch.stats().get(ComparisonStats.HH_CONTEXT_MISMATCH));
    }

    static List<String> ids(RolloutGenerated r) {
        return List.of(r.getEventId(), r.getRolloutId(), r.getPromptId(), r.getResponses(0).getResponseId(),
                r.getResponses(1).getResponseId());
    }
}
