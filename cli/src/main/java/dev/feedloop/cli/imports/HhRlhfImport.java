package dev.feedloop.cli.imports;

import dev.feedloop.contracts.events.v1.Comparison;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.ml.preference.ComparisonStats;
import dev.feedloop.ml.preference.HhRlhfLoader;
import dev.feedloop.ml.preference.Ranking;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * HH-RLHF rows → events. Each row that {@link HhRlhfLoader} splits into a prompt and two replies
 * (rows it drops are counted, not imported) becomes:
 * <ul>
 *   <li>one {@code RolloutGenerated} with the two replies, listed in the order of their ids (hashes),
 *       so the position does not tell which one people chose;</li>
 *   <li>one {@code FeedbackRecorded} {@code Comparison}: response_a = the chosen reply,
 *       response_b = the rejected one, outcome {@code A_BETTER}; annotator {@value #ANNOTATOR}.</li>
 * </ul>
 * Ids come from the row's content (prompt, chosen reply, rejected reply), not its line number:
 * row = uuid(prompt, chosen, rejected); rollout_id = {@code hh-rlhf:<row>}; prompt_id =
 * {@code hh-rlhf:<uuid(prompt)>} (rows that share a prompt share it); response ids =
 * uuid(row, chosen | rejected); event ids = uuid(rollout_id, kind).
 */
public final class HhRlhfImport {
    static final String ANNOTATOR = "import:hh-rlhf";
    static final String PREFIX = "hh-rlhf:";

    private HhRlhfImport() {}

    public static ImportBatch read(Path file, Instant createdAt) {
        ComparisonStats stats = new ComparisonStats();
        List<Ranking> rows = HhRlhfLoader.load(file, "hh-rlhf", stats);
        List<RolloutGenerated> rollouts = new ArrayList<>(rows.size());
        List<FeedbackRecorded> feedback = new ArrayList<>(rows.size());
        for (Ranking row : rows) {
            map(row, createdAt, rollouts, feedback);
        }
        return new ImportBatch(rollouts, feedback, stats);
    }

    /** One loader row (a K = 2 ranking, chosen first) → its rollout and its comparison. */
    static void map(Ranking row, Instant createdAt, List<RolloutGenerated> rollouts, List<FeedbackRecorded> feedback) {
        String prompt = row.prompt();
        String chosen = row.responses().get(0).text();
        String rejected = row.responses().get(1).text();
        String rowId = ImportIds.uuid("hh-rlhf/row", prompt, chosen, rejected);
        String rolloutId = PREFIX + rowId;
        Response a = ImportEvents.response(ImportIds.uuid("hh-rlhf/response", rowId, "chosen"), chosen);
        Response b = ImportEvents.response(ImportIds.uuid("hh-rlhf/response", rowId, "rejected"), rejected);
        List<Response> byId = new ArrayList<>(List.of(a, b));
        byId.sort(Comparator.comparing(Response::getResponseId));
        RolloutGenerated rollout = ImportEvents.rollout(rolloutId, PREFIX + ImportIds.uuid("hh-rlhf/prompt", prompt),
                prompt, byId, createdAt);
        rollouts.add(rollout);
        feedback.add(ImportEvents.feedback(rollout, ANNOTATOR, createdAt)
                .setEventId(ImportIds.uuid("event/feedback", rolloutId, "comparison"))
                .setComparison(Comparison.newBuilder()
                        .setResponseA(a.getResponseId())
                        .setResponseB(b.getResponseId())
                        .setOutcome(Comparison.Outcome.A_BETTER))
                .build());
    }
}
