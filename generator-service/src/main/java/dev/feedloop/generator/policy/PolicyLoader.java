package dev.feedloop.generator.policy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads published policy versions on one background thread and hands them to the
 * {@link PolicyHolder}, which swaps them in between batches. Serving never waits for a load.
 *
 * <p>A version not newer than the newest served or pending one is ignored, and so is one that a
 * newer submitted version has overtaken (a restart replaying the policies topic loads only the
 * latest). A checkpoint that fails its checks is refused: logged, counted in
 * {@value #REFUSED_METRIC}, and the serving version stays.
 */
public final class PolicyLoader implements AutoCloseable {

    /** Micrometer name; Prometheus shows it as {@code feedloop_generator_policy_refused_total}. */
    public static final String REFUSED_METRIC = "feedloop.generator.policy.refused";

    /** What became of one submitted version. */
    public enum Outcome { LOADED, NOT_NEWER, SUPERSEDED, REFUSED }

    private static final System.Logger LOG = System.getLogger(PolicyLoader.class.getName());

    private final PolicyHolder holder;
    private final PolicyFiles files;
    private final Counter refused;
    private final AtomicLong newestSubmitted = new AtomicLong(-1);
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "policy-loader");
        t.setDaemon(true);
        return t;
    });

    public PolicyLoader(PolicyHolder holder, PolicyFiles files, MeterRegistry registry) {
        this.holder = holder;
        this.files = files;
        this.refused = Counter.builder(REFUSED_METRIC)
                .description("published policy versions refused (bad sha256, missing or inconsistent checkpoint)")
                .register(registry);
    }

    /** Queues {@code ref} for loading; returns at once. */
    public Future<Outcome> submit(PolicyRef ref) {
        newestSubmitted.accumulateAndGet(ref.version(), Math::max);
        return executor.submit(() -> load(ref));
    }

    private Outcome load(PolicyRef ref) {
        if (ref.version() <= holder.newestVersion()) {
            LOG.log(Level.DEBUG, "policy version {0} ignored: version {1} is already loaded",
                    ref.version(), holder.newestVersion());
            return Outcome.NOT_NEWER;
        }
        if (ref.version() < newestSubmitted.get()) {
            LOG.log(Level.DEBUG, "policy version {0} skipped: version {1} was published after it",
                    ref.version(), newestSubmitted.get());
            return Outcome.SUPERSEDED;
        }
        Policy policy;
        try {
            long start = System.nanoTime();
            policy = files.load(ref);
            LOG.log(Level.INFO, "policy version {0} loaded from {1} in {2} ms; serving from the next batch",
                    ref.version(), policy.origin(), (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            refused.increment();
            LOG.log(Level.WARNING, "policy version " + ref.version() + " REFUSED, still serving version "
                    + holder.currentVersion() + ": " + e.getMessage());
            return Outcome.REFUSED;
        }
        return holder.offer(policy) ? Outcome.LOADED : Outcome.NOT_NEWER;
    }

    /** Refused versions so far. */
    public double refusedCount() {
        return refused.count();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
