package dev.feedloop.trainer.config;

import dev.feedloop.trainer.loop.TrainerCounters;
import dev.feedloop.trainer.loop.TrainerRuntime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * Prometheus meters over {@link TrainerCounters}: {@code feedloop_trainer_kl},
 * {@code feedloop_trainer_policy_version}, {@code feedloop_trainer_dropped_stale_total},
 * {@code feedloop_trainer_steps_total}, … (Micrometer names with dots, as Prometheus shows them).
 */
@ApplicationScoped
public class TrainerMetrics {

    void register(@Observes StartupEvent event, MeterRegistry registry, TrainerCounters c, TrainerRuntime runtime) {
        counter(registry, "feedloop.trainer.records", "rewards-topic records consumed", c.records);
        counter(registry, "feedloop.trainer.rollouts.trained", "rollouts trained on", c.rolloutsTrained);
        counter(registry, "feedloop.trainer.responses.trained", "responses trained on", c.responsesTrained);
        counter(registry, "feedloop.trainer.dropped.stale", "rollouts dropped as more than max-policy-lag versions old", c.droppedStale);
        counter(registry, "feedloop.trainer.dropped.temperature", "rollouts dropped: sampled at another temperature", c.droppedTemperature);
        counter(registry, "feedloop.trainer.dead.letters", "records sent to the dead-letter topic", c.deadLettered);
        counter(registry, "feedloop.trainer.steps", "training steps", c.steps);
        counter(registry, "feedloop.trainer.versions.published", "policy versions published", c.versionsPublished);
        Gauge.builder("feedloop.trainer.policy.version", c.policyVersion, AtomicLong::get)
                .description("newest policy version checkpointed (-1 until loaded)").register(registry);
        Gauge.builder("feedloop.trainer.kl.coefficient", runtime, TrainerRuntime::klCoefficient)
                .description("beta of the KL controller").register(registry);
        lastStep(registry, "feedloop.trainer.kl", "objective/kl of the last step (mean KL to the reference per sequence)", c);
        lastStep(registry, "feedloop.trainer.reward.mean", "objective/scores of the last step", c);
        lastStep(registry, "feedloop.trainer.clipfrac", "policy/clipfrac of the last step", c);
        lastStep(registry, "feedloop.trainer.entropy", "objective/entropy of the last step", c);
    }

    private static void counter(MeterRegistry registry, String name, String description, AtomicLong value) {
        FunctionCounter.builder(name, value, AtomicLong::get).description(description).register(registry);
    }

    private static void lastStep(MeterRegistry registry, String name, String description, TrainerCounters c) {
        String key = switch (name) {
            case "feedloop.trainer.kl" -> "objective/kl";
            case "feedloop.trainer.reward.mean" -> "objective/scores";
            case "feedloop.trainer.clipfrac" -> "policy/clipfrac";
            default -> "objective/entropy";
        };
        ToDoubleFunction<TrainerCounters> f = counters -> counters.lastStep.get().getOrDefault(key, Double.NaN);
        Gauge.builder(name, c, f).description(description).register(registry);
    }
}
