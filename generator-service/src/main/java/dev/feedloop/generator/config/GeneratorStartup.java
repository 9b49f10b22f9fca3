package dev.feedloop.generator.config;

import ai.djl.ndarray.NDManager;
import dev.feedloop.generator.messaging.GenerationWorker;
import dev.feedloop.generator.policy.Policy;
import dev.feedloop.generator.policy.PolicyFiles;
import dev.feedloop.generator.policy.PolicyHolder;
import dev.feedloop.generator.policy.PolicyLoader;
import dev.feedloop.generator.rollout.RequestValidator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Start-up: validates the configuration, loads the base policy as version 0 (a bad path fails
 * start-up naming the key), starts the sampling thread. Shutdown: the reverse.
 */
@ApplicationScoped
public class GeneratorStartup {

    private static final Logger LOG = Logger.getLogger(GeneratorStartup.class);

    @Inject
    GeneratorConfig config;
    @Inject
    RequestValidator validator;  // built here so a bad sampling default fails start-up
    @Inject
    PolicyFiles files;
    @Inject
    PolicyHolder holder;
    @Inject
    PolicyLoader loader;
    @Inject
    GenerationWorker worker;
    @Inject
    NDManager root;

    void start(@Observes StartupEvent event) {
        validator.limits();
        Path base = existing("feedloop.generator.base-model", config.baseModel());
        if (!Files.isDirectory(base)) {
            existing("feedloop.generator.base-tokenizer", config.baseTokenizer());
        }
        long start = System.nanoTime();
        Policy policy;
        try {
            policy = files.loadBase(base);
        } catch (RuntimeException e) {
            throw new IllegalStateException("feedloop.generator.base-model = " + config.baseModel() + ": " + e.getMessage(), e);
        }
        // A policy published while we loaded may already be newer: then offer() drops the base.
        holder.offer(policy);
        LOG.infof("base policy (version 0) loaded from %s in %d ms; %d intra-op thread(s)",
                base, (System.nanoTime() - start) / 1_000_000, config.intraOpThreads());
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop();
        loader.close();
        holder.close();
        root.close();
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
