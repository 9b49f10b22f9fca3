package dev.feedloop.generator.messaging;

import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.generator.rollout.PromptBatcher;
import dev.feedloop.generator.rollout.RolloutGenerator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The one sampling thread of the Kafka path: takes prompt batches from the {@link PromptBatcher},
 * samples them with {@link RolloutGenerator} (DJL never runs on an event loop), sends each rollout
 * with {@link RolloutEmitter}, and acks each prompt record once its rollout is written (nacks it,
 * into the dead-letter topic, if sampling or writing fails). While idle it swaps in a pending
 * policy version.
 */
@ApplicationScoped
public class GenerationWorker {

    private static final Logger LOG = Logger.getLogger(GenerationWorker.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);

    @Inject
    PromptBatcher<PendingPrompt> batcher;
    @Inject
    RolloutGenerator generator;
    @Inject
    RolloutEmitter emitter;

    private volatile boolean running;
    private Thread thread;

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "generator-sampling");
        thread.setDaemon(true);
        thread.start();
    }

    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    private void run() {
        while (running) {
            List<PendingPrompt> batch;
            try {
                batch = batcher.nextBatch(IDLE_POLL);
            } catch (InterruptedException e) {
                return;
            }
            if (batch.isEmpty()) {
                generator.swapIfPending();
                continue;
            }
            List<RolloutGenerated> rollouts;
            try {
                rollouts = generator.generate(batch.stream().map(PendingPrompt::request).toList());
            } catch (RuntimeException e) {
                LOG.errorf(e, "sampling a batch of %d prompts failed; they go to the dead-letter topic", batch.size());
                batch.forEach(p -> p.message().nack(e));
                continue;
            }
            for (int i = 0; i < batch.size(); i++) {
                PendingPrompt pending = batch.get(i);
                emitter.send(rollouts.get(i)).whenComplete((ok, failure) -> {
                    if (failure == null) {
                        pending.message().ack();
                    } else {
                        LOG.errorf(failure, "writing the rollout of prompt %s failed", pending.request().promptId());
                        pending.message().nack(failure);
                    }
                });
            }
        }
    }
}
