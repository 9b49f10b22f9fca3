package dev.feedloop.cli.imports;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.ml.preference.ComparisonStats;
import java.util.List;

/**
 * The events one dataset file maps to, rollouts before the feedback on them, and the loader's
 * counters (rows read, rows dropped and why).
 */
public record ImportBatch(List<RolloutGenerated> rollouts, List<FeedbackRecorded> feedback, ComparisonStats stats) {
    public ImportBatch {
        rollouts = List.copyOf(rollouts);
        feedback = List.copyOf(feedback);
    }
}
