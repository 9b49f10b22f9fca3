package dev.feedloop.trainer.config;

import dev.feedloop.ml.train.PpoConfig;
import dev.feedloop.trainer.loop.TrainerCounters;
import dev.feedloop.trainer.loop.TrainerRuntime;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Builds the plain runtime from {@link TrainerConfig}; a bad value fails start-up naming the key. */
@ApplicationScoped
public class TrainerBeans {

    /** bootstrap.servers and every other kafka.* key (the KAFKA_* security settings among them). */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Produces
    @Singleton
    TrainerCounters counters() {
        return new TrainerCounters();
    }

    @Produces
    @Singleton
    TrainerRuntime runtime(TrainerConfig config, TrainerCounters counters) {
        Path base = existing("feedloop.trainer.base-model", config.baseModel());
        Path tokenizer = existing("feedloop.trainer.base-tokenizer", config.baseTokenizer());
        positive("feedloop.trainer.batch-size", config.batchSize());
        positive("feedloop.trainer.steps-per-version", config.stepsPerVersion());
        positive("feedloop.trainer.queue-capacity", config.queueCapacity());
        positive("feedloop.trainer.intra-op-threads", config.intraOpThreads());
        if (config.maxPolicyLag() < 0) {
            throw new IllegalArgumentException("feedloop.trainer.max-policy-lag = " + config.maxPolicyLag() + " must be >= 0");
        }
        TrainerRuntime.Settings settings = new TrainerRuntime.Settings(kafkaConfig, config.topics().rewards(),
                config.topics().policies(), config.topics().rewardsDlq(), Path.of(config.checkpointDir()).toAbsolutePath().normalize(),
                base, tokenizer, config.batchSize(), config.stepsPerVersion(), config.maxPolicyLag(), config.queueCapacity(),
                ppoConfig(config), config.ppo().warmupSteps());
        return new TrainerRuntime(settings, counters);
    }

    /** {@link PpoConfig} from the keys; its constructor's message names the field, prefixed here with the key. */
    static PpoConfig ppoConfig(TrainerConfig config) {
        TrainerConfig.Ppo p = config.ppo();
        PpoConfig.Estimator estimator = switch (config.algorithm().toLowerCase(Locale.ROOT)) {
            case "ppo" -> PpoConfig.Estimator.PPO;
            case "rloo" -> PpoConfig.Estimator.RLOO;
            default -> throw new IllegalArgumentException("feedloop.trainer.algorithm = " + config.algorithm()
                    + " must be ppo or rloo");
        };
        try {
            return new PpoConfig(estimator, p.klCoefficient(), p.klTarget(), p.klHorizon(), p.clipEpsilon(), 0.2,
                    p.valueCoefficient(), p.gamma(), p.lambda(), p.epochs(), p.minibatchSize(), p.learningRate(),
                    p.temperature(), true, p.seed());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("feedloop.trainer.ppo.*: " + e.getMessage(), e);
        }
    }

    private static void positive(String key, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " = " + value + " must be >= 1");
        }
    }

    private static Path existing(String key, String value) {
        Path path = Path.of(value).toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new IllegalStateException(key + " = " + value + ": " + path + " does not exist (relative paths are "
                    + "resolved against the working directory " + Path.of("").toAbsolutePath() + ")");
        }
        return path;
    }
}
