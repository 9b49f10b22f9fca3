package dev.feedloop.trainer.config;

import dev.feedloop.ml.Threads;
import dev.feedloop.trainer.loop.TrainerRuntime;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Start-up: sets the PyTorch thread count before DJL loads and starts the {@link TrainerRuntime}
 * (built, and its configuration validated, by {@link TrainerBeans}), which loads the
 * policy on its own training thread. Shutdown stops it; a version in progress is retrained after
 * the next start from the offsets stored in the latest checkpoint.
 */
@ApplicationScoped
public class TrainerStartup {

    private static final Logger LOG = Logger.getLogger(TrainerStartup.class);

    @Inject
    TrainerConfig config;
    @Inject
    TrainerRuntime runtime;

    void start(@Observes StartupEvent event) {
        // before anything creates an NDManager: the engine reads the thread count once
        System.setProperty("ai.djl.offline", "true");
        int threads = Threads.configure(config.intraOpThreads(), 1);
        LOG.infof("trainer: %s, batch %d rollouts, %d steps per version, max-policy-lag %d, %d intra-op thread(s), "
                + "checkpoints in %s", config.algorithm(), config.batchSize(), config.stepsPerVersion(), config.maxPolicyLag(),
                threads, Path.of(config.checkpointDir()).toAbsolutePath().normalize());
        runtime.start();
    }

    void stop(@Observes ShutdownEvent event) {
        runtime.stop();
    }
}
