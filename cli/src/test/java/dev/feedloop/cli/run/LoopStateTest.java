package dev.feedloop.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.PolicyPublished;
import dev.feedloop.contracts.events.v1.Ranking;
import dev.feedloop.contracts.events.v1.ResponseReward;
import dev.feedloop.contracts.events.v1.RewardModelPublished;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.RolloutScored;
import dev.feedloop.contracts.events.v1.Score;
import dev.feedloop.contracts.events.v1.Source;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoopStateTest {

    @Test
    void foldsTheEventsIntoTheStatusFigures() {
        LoopState state = new LoopState();
        Instant t = Instant.parse("2026-12-04T05:00:00Z");
        for (int i = 0; i < 30; i++) {
            state.onRollout(RolloutGenerated.newBuilder().setSource(i % 3 == 0 ? Source.IMPORT : Source.CURATED).build(), t.plusSeconds(i));
        }
        state.onFeedback(FeedbackRecorded.newBuilder().setSource(Source.SIMULATED).setRanking(Ranking.getDefaultInstance()).build(), t);
        state.onFeedback(FeedbackRecorded.newBuilder().setSource(Source.SIMULATED).setScore(Score.getDefaultInstance()).build(), t);
        state.onFeedback(FeedbackRecorded.newBuilder().setSource(Source.IMPORT).setRanking(Ranking.getDefaultInstance()).build(), t);
        state.onScored(RolloutScored.newBuilder().addRewards(ResponseReward.newBuilder().setReward(1))
                .addRewards(ResponseReward.newBuilder().setReward(2)).build(), t.plusSeconds(29));
        state.onScored(RolloutScored.newBuilder().addRewards(ResponseReward.newBuilder().setReward(-0.5f)).build(), t.plusSeconds(29));
        state.onRewardModel(RewardModelPublished.newBuilder().setVersion(3).setHeldoutAccuracy(0.75).setHeldoutPairs(40)
                .setCreatedAt(Timestamp.newBuilder().setSeconds(t.getEpochSecond())).build());
        state.onPolicy(PolicyPublished.newBuilder().setVersion(2).putMetrics("objective/kl", 0.4).build());
        state.onPolicy(PolicyPublished.newBuilder().setVersion(1).putMetrics("objective/kl", 0.1).build());
        state.onConsumerLag(7);

        LoopState.Snapshot s = state.snapshot(t.plusSeconds(30));
        assertEquals(2, s.policyVersion(), "the highest version, whatever the order they arrive in");
        assertEquals(0.4, s.kl(), 1e-12);
        assertEquals(3, s.rewardModelVersion());
        assertEquals(0.75, s.rewardModelAccuracy(), 1e-12);
        assertEquals((1.5 + -0.5) / 2, s.meanReward(), 1e-6, "mean over rollouts of each rollout's mean reward");
        assertEquals(30 / 30.0, s.rolloutsPerSecond(), 1e-9, "all 30 rollouts fall inside the 30 s window");
        assertEquals(20, state.curatedRollouts());
        assertEquals(7, s.consumerLag());
        assertEquals(Map.of("ranking", 2L, "score", 1L), state.feedbackByKind());
        assertEquals(Map.of("simulated", 2L, "import", 1L), state.feedbackBySource());

        LoopState.Snapshot later = state.snapshot(t.plusSeconds(45));
        assertEquals(15 / 30.0, later.rolloutsPerSecond(), 1e-9, "the window slides: rollouts of seconds 15…29 remain");
        assertTrue(later.rollouts() == 30);
    }
}
