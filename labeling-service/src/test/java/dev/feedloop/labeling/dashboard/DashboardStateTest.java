package dev.feedloop.labeling.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.OffsetRange;
import dev.feedloop.contracts.events.v1.PolicyPublished;
import dev.feedloop.contracts.events.v1.Ranking;
import dev.feedloop.contracts.events.v1.RewardModelPublished;
import dev.feedloop.contracts.events.v1.Score;
import dev.feedloop.contracts.events.v1.Source;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DashboardStateTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static PolicyPublished policy(long version, long seconds, Map<String, Double> metrics, OffsetRange... lineage) {
        return PolicyPublished.newBuilder().setEventId("p" + version).setVersion(version).setParentVersion(version - 1)
                .setRewardModelVersion(2).setCheckpointUri("file:/ckpt/v" + version)
                .setCreatedAt(Timestamp.newBuilder().setSeconds(T0.getEpochSecond() + seconds))
                .putAllMetrics(metrics).addAllLineage(List.of(lineage)).build();
    }

    private static FeedbackRecorded score(Source source) {
        return FeedbackRecorded.newBuilder().setEventId("e").setSource(source)
                .setScore(Score.newBuilder().setResponseId("r/0").setValue(4)).build();
    }

    @Test
    void anEmptyStateHasNothingToShow() {
        DashboardState.Snapshot s = new DashboardState().snapshot();
        assertNull(s.currentPolicy());
        assertEquals(List.of(), s.policies());
        assertEquals(0, s.feedbackTotal());
        assertNull(s.offsetsAt());
    }

    @Test
    void versionsAreKeptByNumberAndTheHighestIsCurrentWithItsLineage() {
        DashboardState state = new DashboardState();
        OffsetRange rollouts = OffsetRange.newBuilder().setTopic("feedloop.rewards.v1").setPartition(1).setFromOffset(10).setToOffset(19).build();
        state.onPolicy(policy(2, 200, Map.of("objective/kl", 0.3, "objective/scores", 1.5), rollouts));
        state.onPolicy(policy(1, 100, Map.of("objective/kl", 0.1)));
        state.onPolicy(policy(1, 100, Map.of("objective/kl", 0.1)));  // compacted topic read again
        state.onRewardModel(RewardModelPublished.newBuilder().setVersion(2).setHeldoutAccuracy(0.71).setHeldoutPairs(200).build());

        DashboardState.Snapshot s = state.snapshot();
        assertEquals(List.of(1L, 2L), s.policies().stream().map(DashboardState.PolicyVersion::version).toList());
        assertEquals(2, s.currentPolicy().version());
        assertEquals(List.of(new DashboardState.Range("feedloop.rewards.v1", 1, 10, 19)), s.currentPolicy().lineage());
        assertEquals(10, s.currentPolicy().lineage().get(0).records());
        assertEquals(T0.plusSeconds(200), s.currentPolicy().publishedAt());
        assertEquals(Set.of("objective/kl", "objective/scores"), s.metricNames());
        assertEquals(0.71, s.rewardModels().get(0).heldoutAccuracy());
    }

    @Test
    void feedbackIsCountedOncePerOffsetByKindAndSource() {
        DashboardState state = new DashboardState();
        state.onFeedback(0, 0, score(Source.ANNOTATOR));
        state.onFeedback(0, 1, score(Source.SIMULATED));
        state.onFeedback(0, 1, score(Source.SIMULATED));  // redelivered
        state.onFeedback(2, 0, FeedbackRecorded.newBuilder().setSource(Source.ANNOTATOR).setRanking(Ranking.getDefaultInstance()).build());
        DashboardState.Snapshot s = state.snapshot();
        assertEquals(Map.of("score", Map.of("ANNOTATOR", 1L, "SIMULATED", 1L), "ranking", Map.of("ANNOTATOR", 1L)), s.feedbackCounts());
        assertEquals(3, s.feedbackTotal());
    }

    @Test
    void throughputIsTheGrowthOfTheEndOffsetOverTheLastTenSeconds() {
        DashboardState state = new DashboardState();
        Map<String, Map<String, Long>> lag = Map.of("feedloop.rollouts.v1", Map.of("feedloop-reward", 7L));
        state.onOffsets(T0, Map.of("feedloop.rollouts.v1", 100L), lag);
        DashboardState.TopicTraffic one = state.snapshot().topics().get(0);
        assertTrue(Double.isNaN(one.recordsPerSecond()), "one sample: no rate yet");

        state.onOffsets(T0.plusSeconds(2), Map.of("feedloop.rollouts.v1", 140L), lag);
        DashboardState.TopicTraffic two = state.snapshot().topics().get(0);
        assertEquals(20.0, two.recordsPerSecond(), 1e-9);            // 40 records in 2 s
        assertEquals(140, two.endOffset());
        assertEquals(Map.of("feedloop-reward", 7L), two.lagByGroup());

        state.onOffsets(T0.plusSeconds(20), Map.of("feedloop.rollouts.v1", 160L), Map.of());
        // T0 is out of the window; from T0+2 s (140) to T0+20 s (160): 20 records in 18 s
        DashboardState.TopicTraffic three = state.snapshot().topics().get(0);
        assertEquals(20.0 / 18, three.recordsPerSecond(), 1e-9);
        assertEquals(Map.of(), three.lagByGroup());
        assertEquals(T0.plusSeconds(20), state.snapshot().offsetsAt());
    }
}
