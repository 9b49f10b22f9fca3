package dev.feedloop.reward.config;

import dev.feedloop.ml.Threads;
import dev.feedloop.reward.messaging.RewardWorker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Start-up: checks the configuration (a bad value or a missing file fails start-up naming the key),
 * sets libtorch's threads before anything loads DJL, starts the model thread (which loads the model
 * and restores the loop). Shutdown: stops it.
 */
@ApplicationScoped
public class RewardStartup {

    private static final Logger LOG = Logger.getLogger(RewardStartup.class);

    @Inject
    RewardConfig config;
    @Inject
    RewardWorker worker;

    void start(@Observes StartupEvent event) {
        existing("feedloop.reward.base-model", config.baseModel());
        existing("feedloop.reward.base-tokenizer", config.baseTokenizer());
        if (config.maxTokens() < 6) {
            throw new IllegalStateException("feedloop.reward.max-tokens = " + config.maxTokens() + " must be >= 6");
        }
        positive("feedloop.reward.batch-size", config.batchSize());
        positive("feedloop.reward.publish-every", config.publishEvery());
        positive("feedloop.reward.score-batch-size", config.scoreBatchSize());
        positive("feedloop.reward.scoring-queue-capacity", config.scoringQueueCapacity());
        positive("feedloop.reward.inbox-capacity", config.inboxCapacity());
        positive("feedloop.reward.intra-op-threads", config.intraOpThreads());
        if (!(config.learningRate() > 0)) {
            throw new IllegalStateException("feedloop.reward.learning-rate = " + config.learningRate() + " must be > 0");
        }
        // before the first NDManager: the PyTorch engine reads these once (STACK-NOTES pitfalls 10, 11)
        System.setProperty("ai.djl.offline", "true");
        int threads = Threads.configure(config.intraOpThreads(), 1);
        LOG.infof("reward model thread starting; %d intra-op thread(s)", threads);
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop();
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalStateException(key + " = " + value + " must be >= 1");
        }
    }

    private static void existing(String key, String value) {
        Path path = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(key + " = " + value + ": " + path + " is not a file (relative paths are "
                    + "resolved against the working directory " + Path.of("").toAbsolutePath() + ")");
        }
    }
}
