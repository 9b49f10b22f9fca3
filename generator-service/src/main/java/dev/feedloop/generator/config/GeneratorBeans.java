package dev.feedloop.generator.config;

import ai.djl.ndarray.NDManager;
import dev.feedloop.generator.messaging.PendingPrompt;
import dev.feedloop.generator.policy.PolicyFiles;
import dev.feedloop.generator.policy.PolicyHolder;
import dev.feedloop.generator.policy.PolicyLoader;
import dev.feedloop.generator.rollout.PromptBatcher;
import dev.feedloop.generator.rollout.RequestValidator;
import dev.feedloop.generator.rollout.RolloutFactory;
import dev.feedloop.generator.rollout.RolloutGenerator;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;

/** Builds the plain domain objects from {@link GeneratorConfig}; nothing here knows Kafka or gRPC. */
@ApplicationScoped
public class GeneratorBeans {

    /** The PyTorch engine reads this once, when it loads. */
    static final String NUM_THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    @Produces
    @Singleton
    NDManager rootManager(GeneratorConfig config) {
        if (config.intraOpThreads() < 1) {
            throw new IllegalArgumentException("feedloop.generator.intra-op-threads = " + config.intraOpThreads()
                    + " must be >= 1");
        }
        // Both must be set before DJL loads the engine (the first NDManager): offline, so DJL never
        // downloads or probes the network; one intra-op thread because several services share the
        // cores and libgomp's spinning barrier collapses under contention (STACK-NOTES pitfall 10).
        System.setProperty("ai.djl.offline", "true");
        System.setProperty(NUM_THREADS_PROPERTY, String.valueOf(config.intraOpThreads()));
        return NDManager.newBaseManager();
    }

    @Produces
    @Singleton
    PolicyHolder policyHolder() {
        return new PolicyHolder();
    }

    @Produces
    @Singleton
    PolicyFiles policyFiles(NDManager root, GeneratorConfig config) {
        return new PolicyFiles(root, Path.of(config.baseTokenizer()).toAbsolutePath().normalize());
    }

    @Produces
    @Singleton
    PolicyLoader policyLoader(PolicyHolder holder, PolicyFiles files, MeterRegistry registry) {
        return new PolicyLoader(holder, files, registry);
    }

    @Produces
    @Singleton
    RolloutGenerator rolloutGenerator(PolicyHolder holder, MeterRegistry registry) {
        return new RolloutGenerator(holder, new RolloutFactory(Clock.systemUTC()), registry);
    }

    @Produces
    @Singleton
    RequestValidator requestValidator(GeneratorConfig config) {
        GeneratorConfig.Sampling s = config.sampling();
        return new RequestValidator(new RequestValidator.Limits(config.samplesPerPrompt(), s.temperature(), s.topP(),
                s.topK(), s.maxNewTokens(), s.maxNewTokensLimit(), config.maxPromptChars()));
    }

    @Produces
    @Singleton
    PromptBatcher<PendingPrompt> promptBatcher(GeneratorConfig config) {
        GeneratorConfig.Batch b = config.batch();
        return new PromptBatcher<>(b.maxSize(), b.maxWait(), b.queueCapacity());
    }
}
