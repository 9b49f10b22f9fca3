package dev.feedloop.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.ml.train.ScoredRollout;
import dev.feedloop.trainer.lineage.PartitionKey;
import dev.feedloop.trainer.lineage.Range;
import dev.feedloop.trainer.rollout.DecodedRollout;
import dev.feedloop.trainer.rollout.Staleness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Batching, staleness, dead letters and lineage of {@link TrainingSession}, with a recording stand-in for the optimiser. */
class TrainingSessionTest {

    static final PartitionKey P0 = new PartitionKey("feedloop.rewards.v1", 0);
    static final PartitionKey P1 = new PartitionKey("feedloop.rewards.v1", 1);

    final List<List<ScoredRollout>> steps = new ArrayList<>();
    final TrainingSession.Trainer recorder = new TrainingSession.Trainer() {
        @Override
        public Map<String, Double> step(List<ScoredRollout> batch) {
            steps.add(batch);
            return Map.of("objective/kl", 0.1 * steps.size(), "policy/clipfrac", 0.0);
        }

        @Override
        public double klCoefficient() {
            return 0.05;
        }
    };
    final TrainerCounters counters = new TrainerCounters();

    /** A rollout of K=2 responses with rewards r and r+1 sampled by {@code policyVersion}. */
    static DecodedRollout rollout(String id, long policyVersion, float r) {
        return new DecodedRollout(id, policyVersion, 4, 1f, List.of(
                new ScoredRollout(id, new int[] {1}, new int[] {5, 6}, new float[] {-1f, -1f}, r, policyVersion),
                new ScoredRollout(id, new int[] {1}, new int[] {7}, new float[] {-1f}, r + 1, policyVersion)));
    }

    @Test
    void twoStepsOfTwoRolloutsMakeAVersionWhoseLineageIsEverythingConsumed() {
        TrainingSession s = new TrainingSession(recorder, 0, Map.of(P0, 100L), -1, new Staleness(1), 2, 2, 1f, counters);

        assertTrue(s.accept(ConsumedRecord.rollout(P0, 100, rollout("a", 0, 0f))).isEmpty());
        assertTrue(s.accept(ConsumedRecord.deadLettered(P1, 0, "not a protobuf message")).isEmpty());
        assertTrue(s.accept(ConsumedRecord.rollout(P1, 1, rollout("b", 0, 2f))).isEmpty());
        assertEquals(1, steps.size(), "a full batch of 2 rollouts is one step");
        assertEquals(4, steps.get(0).size(), "2 rollouts × K=2 responses");
        assertTrue(s.accept(ConsumedRecord.rollout(P0, 101, rollout("c", 0, 4f))).isEmpty());
        Optional<CompletedVersion> v1 = s.accept(ConsumedRecord.rollout(P0, 102, rollout("d", 0, 6f)));

        assertTrue(v1.isPresent());
        CompletedVersion v = v1.get();
        assertEquals(1, v.version());
        assertEquals(0, v.parentVersion());
        assertEquals(List.of(new Range(P0, 100, 102), new Range(P1, 0, 1)), v.lineage());
        assertEquals(Map.of(P0, 103L, P1, 2L), v.resumePositions());
        assertEquals(4, v.rewardModelVersion());
        assertEquals(0.05, v.klCoefficient());
        // scores 0,1,2,3,4,5,6,7: mean 3.5, population std sqrt(5.25)
        assertEquals(3.5, v.metrics().get("reward/mean"), 1e-9);
        assertEquals(3.5, v.metrics().get("objective/scores"), 1e-9);
        assertEquals(Math.sqrt(5.25), v.metrics().get("reward/std"), 1e-9);
        assertEquals(0.15, v.metrics().get("objective/kl"), 1e-9, "mean of the steps' 0.1 and 0.2");
        assertEquals(1.5, v.metrics().get("response_length"), 1e-9);
        assertEquals(2.0, v.metrics().get("counts/steps"));
        assertEquals(4.0, v.metrics().get("counts/rollouts"));
        assertEquals(1.0, v.metrics().get("counts/dead_lettered"));
        assertEquals(5.0, v.metrics().get("counts/records"));
        assertEquals(1, s.version());
        assertEquals(4, counters.rolloutsTrained.get());
        assertEquals(2, counters.steps.get());
    }

    @Test
    void rolloutsMoreThanMaxPolicyLagBehindAreDroppedCountedAndStillInLineage() {
        TrainingSession s = new TrainingSession(recorder, 5, Map.of(), 3, new Staleness(1), 1, 1, 1f, counters);

        assertTrue(s.accept(ConsumedRecord.rollout(P0, 0, rollout("old", 3, 0f))).isEmpty(), "2 versions behind");
        assertTrue(s.accept(ConsumedRecord.rollout(P0, 1, rollout("hot", 2, 0f))).isEmpty(), "temperature");
        Optional<CompletedVersion> v = s.accept(ConsumedRecord.rollout(P0, 2, rollout("ok", 4, 1f)));

        assertEquals(0, s.pendingRollouts());
        assertEquals(1, steps.size());
        assertEquals("ok", steps.get(0).get(0).groupId());
        assertEquals(6, v.orElseThrow().version());
        assertEquals(List.of(new Range(P0, 0, 2)), v.get().lineage());
        assertEquals(2.0, v.get().metrics().get("counts/dropped_stale"));
        assertEquals(2, counters.droppedStale.get());
    }

    @Test
    void aRolloutAtAnotherTemperatureIsDroppedAndCounted() {
        TrainingSession s = new TrainingSession(recorder, 0, Map.of(), -1, new Staleness(3), 1, 1, 1f, counters);
        DecodedRollout hot = new DecodedRollout("hot", 0, 1, 0.7f, rollout("hot", 0, 0f).responses());

        assertTrue(s.accept(ConsumedRecord.rollout(P0, 0, hot)).isEmpty());
        assertEquals(0, steps.size());
        assertEquals(1, counters.droppedTemperature.get());
    }

    @Test
    void aReDeliveredOffsetIsRefusedRatherThanTrainedTwice() {
        TrainingSession s = new TrainingSession(recorder, 0, Map.of(P0, 10L), -1, new Staleness(3), 4, 1, 1f, counters);
        s.accept(ConsumedRecord.rollout(P0, 10, rollout("a", 0, 0f)));
        assertThrows(IllegalStateException.class, () -> s.accept(ConsumedRecord.rollout(P0, 10, rollout("a", 0, 0f))));
        assertThrows(IllegalStateException.class, () -> s.accept(ConsumedRecord.rollout(P0, 9, rollout("z", 0, 0f))));
    }
}
