package dev.feedloop.reward.health;

import dev.feedloop.reward.loop.LoopStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * The loop's numbers on {@code /q/metrics} (Prometheus names: dots become underscores, counters end
 * in {@code _total}): {@code feedloop_reward_accuracy_heldout}, {@code feedloop_reward_comparisons_total},
 * {@code feedloop_reward_rollouts_scored_total}, buffer sizes, training steps and loss.
 */
@ApplicationScoped
public class RewardMetrics {

    @Inject
    MeterRegistry registry;
    @Inject
    LoopStats stats;

    void register(@Observes StartupEvent event) {
        gauge("feedloop.reward.accuracy.heldout", "held-out pairwise accuracy of the published version", s -> s.publishedHeldOutAccuracy);
        gauge("feedloop.reward.candidate.accuracy.heldout", "held-out accuracy of the candidate at its last evaluation", s -> s.candidateHeldOutAccuracy);
        gauge("feedloop.reward.model.version", "published reward-model version (0 = base trunk, zero head)", s -> s.publishedVersion);
        gauge("feedloop.reward.training.loss", "Bradley-Terry loss of the last step (nats)", s -> s.lastLoss);
        gauge("feedloop.reward.training.accuracy", "pairwise accuracy of the last batch before its update", s -> s.lastAccuracy);
        gauge("feedloop.reward.buffer.pending.feedback", "feedback waiting for its rollout", s -> s.pendingFeedback);
        gauge("feedloop.reward.buffer.fresh.pairs", "new train pairs not yet trained on", s -> s.freshPairs);
        gauge("feedloop.reward.buffer.replay.pairs", "train pairs in the replay buffer", s -> s.replayPairs);
        gauge("feedloop.reward.buffer.heldout.pairs", "held-out pairs", s -> s.heldOutPairs);
        counter("feedloop.reward.comparisons", "new comparisons made from feedback", stats.comparisons);
        counter("feedloop.reward.rollouts.scored", "rollouts scored", stats.rolloutsScored);
        counter("feedloop.reward.training.steps", "training steps", stats.trainingSteps);
        counter("feedloop.reward.training.replay.steps", "training steps on replayed pairs only, taken when idle", stats.replaySteps);
        counter("feedloop.reward.evaluations", "held-out evaluations", stats.evaluations);
        counter("feedloop.reward.gate.refused", "candidates the gate did not publish", stats.gateRefusals);
        counter("feedloop.reward.feedback.received", "feedback records received", stats.feedbackReceived);
        counter("feedloop.reward.feedback.duplicates", "feedback with an event_id seen before", stats.feedbackDuplicates);
        counter("feedloop.reward.feedback.rejected", "feedback that does not fit its rollout", stats.feedbackRejected);
        counter("feedloop.reward.feedback.evicted", "feedback dropped from a full join buffer", stats.feedbackEvicted);
        counter("feedloop.reward.feedback.restored", "feedback already in the restored version", stats.feedbackRestored);
    }

    private void gauge(String name, String description, ToDoubleFunction<LoopStats> value) {
        Gauge.builder(name, stats, value).description(description).register(registry);
    }

    private void counter(String name, String description, AtomicLong value) {
        FunctionCounter.builder(name, value, AtomicLong::doubleValue).description(description).register(registry);
    }
}
