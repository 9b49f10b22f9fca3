package dev.feedloop.generator.rollout;

import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.generator.policy.Policy;
import dev.feedloop.generator.policy.PolicyHolder;
import dev.feedloop.ml.sampling.Generation;
import dev.feedloop.ml.sampling.SamplingParams;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Samples a batch of prompt requests with the current policy and returns one
 * {@code RolloutGenerated} per request, in request order.
 *
 * <p>One batch at a time (the sampler and the policy swap are single-threaded): a pending policy
 * version is swapped in before each batch, never during one, so every rollout of a batch carries
 * the version that produced it. Requests that share K and sampling parameters run in one sampler
 * call; a request with its own seed runs alone so its recorded seed reproduces it.
 *
 * <p>Metrics: {@code feedloop_generator_tokens_total} (sampled tokens; rate = tokens/s),
 * {@code feedloop_generator_batch_seconds} (sampling time per sampler call),
 * {@code feedloop_generator_batch_prompts} and {@code feedloop_generator_batch_sequences}
 * (batch size), {@code feedloop_generator_policy_version} (the serving version).
 */
public final class RolloutGenerator {

    private static final System.Logger LOG = System.getLogger(RolloutGenerator.class.getName());

    private final PolicyHolder holder;
    private final RolloutFactory factory;
    private final Counter tokens;
    private final Timer batchTime;
    private final DistributionSummary batchPrompts;
    private final DistributionSummary batchSequences;

    public RolloutGenerator(PolicyHolder holder, RolloutFactory factory, MeterRegistry registry) {
        this.holder = holder;
        this.factory = factory;
        this.tokens = Counter.builder("feedloop.generator.tokens")
                .description("tokens sampled (rate = tokens per second)").baseUnit("tokens").register(registry);
        this.batchTime = Timer.builder("feedloop.generator.batch")
                .description("time to sample one sampler call of P prompts x K responses").register(registry);
        this.batchPrompts = DistributionSummary.builder("feedloop.generator.batch.prompts")
                .description("prompts per sampler call").register(registry);
        this.batchSequences = DistributionSummary.builder("feedloop.generator.batch.sequences")
                .description("sequences (prompts x K) per sampler call").register(registry);
        Gauge.builder("feedloop.generator.policy.version", holder, PolicyHolder::currentVersion)
                .description("the policy version being served (-1 before the base model loads)").register(registry);
    }

    /** Whether a policy is loaded. */
    public boolean ready() {
        return holder.current().isPresent();
    }

    /** Serves a pending policy version now (called while idle, so the swap does not wait for traffic). */
    public synchronized void swapIfPending() {
        holder.swapIfPending().ifPresent(p -> LOG.log(Level.INFO, "now serving policy version {0}", p.version()));
    }

    /**
     * Samples every request; one rollout per request, in order.
     *
     * @throws IllegalStateException before the base model is loaded
     */
    public synchronized List<RolloutGenerated> generate(List<PromptRequest> requests) {
        swapIfPending();
        Policy policy = holder.current().orElseThrow(() -> new IllegalStateException("no policy loaded yet"));
        RolloutGenerated[] out = new RolloutGenerated[requests.size()];
        for (List<Integer> group : groups(requests)) {
            PromptRequest first = requests.get(group.get(0));
            SamplingParams params = first.sampling();
            List<String> texts = new ArrayList<>(group.size());
            for (int i : group) {
                texts.add(requests.get(i).text());
            }
            long start = System.nanoTime();
            List<Generation> generations = policy.sampler().generate(texts, first.k(), params);
            batchTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            batchPrompts.record(group.size());
            batchSequences.record(generations.size());
            tokens.increment(generations.stream().mapToInt(g -> g.tokens().length).sum());
            for (int p = 0; p < group.size(); p++) {
                List<Generation> mine = generations.subList(p * first.k(), (p + 1) * first.k());
                out[group.get(p)] = factory.create(requests.get(group.get(p)), mine, policy.version(), params);
            }
        }
        return Arrays.asList(out);
    }

    /** Indexes of requests that can share one sampler call, in first-appearance order. */
    static List<List<Integer>> groups(List<PromptRequest> requests) {
        Map<Object, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            PromptRequest r = requests.get(i);
            SamplingParams s = r.sampling();
            Object key = r.seeded()
                    ? i  // alone
                    : List.of(r.k(), s.temperature(), s.topP(), s.topK(), s.maxNewTokens());
            groups.computeIfAbsent(key, x -> new ArrayList<>()).add(i);
        }
        return new ArrayList<>(groups.values());
    }
}
