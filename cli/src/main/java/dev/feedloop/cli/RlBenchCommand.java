package dev.feedloop.cli;

import ai.djl.ndarray.NDManager;
import dev.feedloop.ml.Threads;
import dev.feedloop.ml.checkpoint.Llama2cCheckpoint;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.model.RewardModel;
import dev.feedloop.ml.sampling.Generation;
import dev.feedloop.ml.sampling.Sampler;
import dev.feedloop.ml.sampling.SamplingParams;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;
import dev.feedloop.ml.train.AdamW;
import dev.feedloop.ml.train.BradleyTerryStep;
import dev.feedloop.ml.train.EncodedPair;
import dev.feedloop.ml.train.PpoConfig;
import dev.feedloop.ml.train.PpoStep;
import dev.feedloop.ml.train.ScoredRollout;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code feedloop bench rl}: the two learning steps of the loop on stories260K, timed as the services
 * run them. A PPO step (PpoStep: reference and policy forward, GAE, 2 epochs of clipped updates) on
 * B responses × T new tokens sampled from the model itself (PpoConfig's defaults), and Bradley-Terry steps on pairs of those
 * responses (BradleyTerryStep, batch 16). Medians of the timed repeats after one warm-up.
 */
@Command(name = "rl",
        mixinStandardHelpOptions = true,
        description = "Time a PPO step on B responses × T tokens and Bradley-Terry steps (pairs/s) on stories260K.")
final class RlBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--responses", paramLabel = "B", defaultValue = "32",
            description = "Responses per PPO step: 8 prompts × K = 4, the trainer's default batch (default: ${DEFAULT-VALUE}).")
    int responses;

    @Option(names = "--tokens", paramLabel = "T", defaultValue = "48",
            description = "New tokens per response, feedloop run's default (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "5", description = "Timed repeats (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Intra-op threads; 1 is what each service uses in feedloop run (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() {
        if (responses < 4 || responses % 4 != 0) {
            throw new ParameterException(spec.commandLine(), "--responses " + responses + " must be a multiple of 4 (K = 4), >= 4");
        }
        if (tokens < 4 || tokens > 256) {
            throw new ParameterException(spec.commandLine(), "--tokens " + tokens + " must be in 4…256");
        }
        if (repeats < 1) {
            throw new ParameterException(spec.commandLine(), "--repeats " + repeats + " must be >= 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        Threads.configure(threads, 1);
        var home = Home.dir();
        Llama2cTokenizer tokenizer = Llama2cTokenizer.load(home.resolve(GenerateCommand.DEFAULT_TOKENIZER));
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel policy = Llama2cCheckpoint.load(home.resolve(GenerateCommand.DEFAULT_MODEL), manager);
            List<Generation> gens = new Sampler(policy, tokenizer).generate(
                    Collections.nCopies(responses / 4, "Once upon a time"), 4, new SamplingParams(1f, 1f, 0, tokens, 1));
            List<ScoredRollout> batch = new ArrayList<>();
            for (Generation g : gens) {
                if (g.tokens().length > 0) {
                    batch.add(new ScoredRollout("p" + g.promptIndex(), g.promptTokens(), g.tokens(), g.logprobs(),
                            (float) (g.tokens().length % 3 - 1), 0));
                }
            }
            long responseTokens = batch.stream().mapToLong(r -> r.response().length).sum();

            LlamaModel reference = policy.copy(manager);
            reference.setTrainable(false);
            PpoConfig config = PpoConfig.defaults();
            PpoStep.prepare(policy, config);
            double[] ppoSeconds = new double[repeats];
            try (AdamW adam = AdamW.withLearningRate(policy.parameters(), manager, 1e-6)) {
                PpoStep ppo = new PpoStep(policy, reference, adam, config);
                ppo.step(batch); // warm-up
                for (int i = 0; i < repeats; i++) {
                    long t0 = System.nanoTime();
                    ppo.step(batch);
                    ppoSeconds[i] = (System.nanoTime() - t0) / 1e9;
                }
            }

            List<EncodedPair> pairs = new ArrayList<>();
            for (int i = 0; i + 1 < batch.size(); i += 2) {
                pairs.add(EncodedPair.of("g" + i, batch.get(i).prompt(), batch.get(i).response(), batch.get(i + 1).response()));
            }
            List<EncodedPair> btBatch = new ArrayList<>();
            while (btBatch.size() < 16) {
                btBatch.addAll(pairs.subList(0, Math.min(pairs.size(), 16 - btBatch.size())));
            }
            RewardModel rm = new RewardModel(Llama2cCheckpoint.load(home.resolve(GenerateCommand.DEFAULT_MODEL), manager));
            rm.model().setTrainable(true);
            double[] btSeconds = new double[repeats];
            try (AdamW adam = AdamW.withLearningRate(rm.model().parameters(), manager, 1e-6)) {
                BradleyTerryStep bt = new BradleyTerryStep(rm, adam);
                bt.step(btBatch); // warm-up
                for (int i = 0; i < repeats; i++) {
                    long t0 = System.nanoTime();
                    bt.step(btBatch);
                    btSeconds[i] = (System.nanoTime() - t0) / 1e9;
                }
            }
            double ppo = median(ppoSeconds);
            double bt = median(btSeconds);
            out.printf(Locale.ROOT, "stories260K · %d intra-op thread(s) · medians of %d after a warm-up%n", threads, repeats);
            out.printf(Locale.ROOT, "PPO step, %d responses × up to %d tokens (%d response tokens, %d epochs, minibatch %d): %.3f s"
                            + " (%,.0f response tokens/s); repeats %s%n",
                    batch.size(), tokens, responseTokens, config.epochs(), config.minibatchSize(), ppo, responseTokens / ppo,
                    fmt(ppoSeconds));
            out.printf(Locale.ROOT, "Bradley-Terry step, 16 pairs: %.3f s (%,.1f pairs/s); repeats %s%n", bt, 16 / bt, fmt(btSeconds));
            out.flush();
        }
        return Feedloop.OK;
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String fmt(double[] xs) {
        StringBuilder sb = new StringBuilder();
        for (double x : xs) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", x));
        }
        return sb.toString();
    }
}
