package dev.feedloop.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.feedloop.ml.Threads;
import dev.feedloop.ml.checkpoint.Llama2cCheckpoint;
import dev.feedloop.ml.model.LlamaConfig;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.model.RandomInit;
import dev.feedloop.ml.sampling.FinishReason;
import dev.feedloop.ml.sampling.Generation;
import dev.feedloop.ml.sampling.LogProbScorer;
import dev.feedloop.ml.sampling.Sampler;
import dev.feedloop.ml.sampling.SamplingParams;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;
import dev.feedloop.ml.train.AdamW;
import dev.feedloop.ml.train.SupervisedStep;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleSupplier;

/**
 * The learning core's speed, measured the way the services use it: through {@link Sampler},
 * {@link LogProbScorer} and {@link SupervisedStep}, never through a shortcut.
 *
 * <p>Every figure is the median of {@code repeats} timed runs after one warm-up run; each figure is
 * compared with its peer from the same run (KV cache vs none, batch 16 vs batch 1, training vs the
 * measured matmul peak), because the machine is shared and absolute numbers drift between runs.
 *
 * <p>Token counts: decoding counts tokens actually produced (a sequence that samples EOS stops;
 * the note says how many did); scoring and training count the B·T positions of the batch.
 * Model FLOPs utilisation (MFU) = 6 · parameters · training tokens/s ÷ measured matmul FLOP/s
 * (Kaplan et al. 2020's 6N per token for forward + backward; attention's own FLOPs not counted).
 */
final class MlBenchmark {
    static final List<String> MODELS = List.of("stories260K", "random-10M");

    /**
     * ~10M parameters: 9,933,696 with a 512-token vocabulary. Width 384 with head size 64 keeps the
     * matmuls large enough to use the cores; SwiGLU width 1024 = 8/3 · 384 as in llama; 6 query and
     * 3 key/value heads exercise grouped-query attention.
     */
    static final LlamaConfig RANDOM_10M = new LlamaConfig(384, 1024, 6, 6, 3, 512, 256, true, 10000, 1e-5);

    /**
     * The 10M model decodes at most 64 new tokens: without a cache each step reruns the whole
     * sequence, and at 128 tokens one batch-16 run takes minutes on 2 cores.
     */
    static final int MAX_NEW_TOKENS_10M = 64;

    static final int BATCH = 16;
    static final int SEQUENCE = 128;
    static final String PROMPT = "Once upon a time";

    private final int repeats;
    private final int newTokens;
    private final PrintWriter log;

    MlBenchmark(int repeats, int newTokens, PrintWriter log) {
        this.repeats = repeats;
        this.newTokens = newTokens;
        this.log = log;
    }

    int repeats() {
        return repeats;
    }

    int newTokens() {
        return newTokens;
    }

    /** CPU, cores, JDK, libtorch and thread settings, in one line. */
    String machine() {
        return String.format(Locale.ROOT, "%s, %d cores; JDK %s; libtorch %s (%s); intra-op threads %d, inter-op %d; OMP_WAIT_POLICY=%s",
                cpuModel(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Engine.getEngine("PyTorch").getVersion(), System.getProperty("os.arch"),
                Threads.intraOp(), Threads.interOp(), System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"));
    }

    List<BenchResult> run(List<String> models) {
        List<BenchResult> results = new ArrayList<>();
        log.println("machine: " + machine());
        BenchResult matmul = matmul();
        results.add(matmul);
        Llama2cTokenizer tokenizer = Llama2cTokenizer.load(Home.dir().resolve(GenerateCommand.DEFAULT_TOKENIZER));
        for (String name : models) {
            try (NDManager manager = NDManager.newBaseManager()) {
                LlamaModel model = name.equals("stories260K")
                        ? Llama2cCheckpoint.load(Home.dir().resolve(GenerateCommand.DEFAULT_MODEL), manager)
                        : RandomInit.create(RANDOM_10M, manager, 1);
                log.printf(Locale.ROOT, "%s: %,d parameters%n", name, model.parameterCount());
                results.addAll(modelFigures(name, model, tokenizer));
                model.close();
            }
        }
        return results;
    }

    /** fp32 (1024 × 1024) · (1024 × 1024) through libtorch: 2·1024³ FLOP each. */
    BenchResult matmul() {
        int n = 1024;
        int perRepeat = 10;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            matmulGflops(a, b, perRepeat); // warm-up
            double[] r = new double[Math.max(repeats, 10)];
            for (int i = 0; i < r.length; i++) {
                r[i] = matmulGflops(a, b, perRepeat);
            }
            log.printf(Locale.ROOT, "  %-40s median %s%n", "matmul", MlBenchCommand.format(BenchResult.median(r)));
            return BenchResult.of("machine", "fp32 matmul 1024²", "GFLOP/s", r, "");
        }
    }

    private List<BenchResult> modelFigures(String name, LlamaModel model, Llama2cTokenizer tokenizer) {
        List<BenchResult> out = new ArrayList<>();
        int decodeTokens = name.equals("stories260K") ? newTokens : Math.min(newTokens, MAX_NEW_TOKENS_10M);
        BenchResult b1Cache = decode(name, model, tokenizer, 1, true, decodeTokens);
        BenchResult b1Full = decode(name, model, tokenizer, 1, false, decodeTokens);
        BenchResult b16Cache = decode(name, model, tokenizer, BATCH, true, decodeTokens);
        BenchResult b16Full = decode(name, model, tokenizer, BATCH, false, decodeTokens);
        out.add(b1Cache.comparedWith(b1Full));
        out.add(b1Full);
        out.add(b16Cache.comparedWith(b16Full));
        out.add(b16Full);
        out.add(BenchResult.of(name, "decode b=16 vs b=1, kv-cache", "tokens/s", b16Cache.repeats(), "")
                .comparedWith(b1Cache));
        out.add(decodeStreams(name, model, tokenizer, 2, decodeTokens).comparedWith(b16Cache));
        out.add(score(name, model));
        out.addAll(List.of(train(name, model)));
        return out;
    }

    /** Sampled decoding of {@code newTokens} after the prompt, {@code batch} samples at once. */
    private BenchResult decode(String name, LlamaModel model, Llama2cTokenizer tokenizer, int batch, boolean kvCache,
            int newTokens) {
        Sampler sampler = new Sampler(model, tokenizer).useKvCache(kvCache);
        SamplingParams params = new SamplingParams(1.0f, 1.0f, 0, newTokens, 1);
        int[] eos = new int[1];
        int[] sequences = new int[1];
        String label = String.format(Locale.ROOT, "decode b=%d %s", batch, kvCache ? "kv-cache" : "no cache");
        SamplingParams shortRun = params.withMaxNewTokens(Math.min(8, newTokens));
        double[] r = time(name + " " + label, () -> sampler.generate(List.of(PROMPT), batch, shortRun), () -> {
            List<Generation> gs = sampler.generate(List.of(PROMPT), batch, params);
            long tokens = 0;
            for (Generation g : gs) {
                tokens += g.tokens().length;
                eos[0] += g.finishReason() == FinishReason.EOS ? 1 : 0;
            }
            sequences[0] += gs.size();
            return tokens;
        }, repeats);
        String note = eos[0] == 0 ? newTokens + " new tokens" : String.format(Locale.ROOT,
                "%d new tokens; %d of %d sequences stopped at EOS", newTokens, eos[0], sequences[0]);
        return BenchResult.of(name, label, "tokens/s", r, note);
    }

    /**
     * Prototype of a batch layout for the generator: the same 16 sequences as {@code streams}
     * independent Samplers of 16/streams sequences each, on their own Java threads, with one
     * intra-op thread each (decoding a small model is bound by per-op overhead, which one stream
     * cannot spread over the cores). The model's weights are shared read-only.
     */
    private BenchResult decodeStreams(String name, LlamaModel model, Llama2cTokenizer tokenizer, int streams,
            int newTokens) {
        int perStream = BATCH / streams;
        int before = Threads.intraOp();
        Threads.setIntraOp(1);
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            int[] eos = new int[1];
            String label = String.format(Locale.ROOT, "decode b=16 as %d×%d streams, 1 thread each", streams, perStream);
            double[] r = time(name + " " + label, () -> {
                List<Future<List<Generation>>> parts = new ArrayList<>();
                for (int i = 0; i < streams; i++) {
                    SamplingParams params = new SamplingParams(1.0f, 1.0f, 0, newTokens, 1 + i);
                    parts.add(pool.submit(() -> {
                        Threads.setIntraOp(1);
                        return new Sampler(model, tokenizer).generate(List.of(PROMPT), perStream, params);
                    }));
                }
                long tokens = 0;
                for (Future<List<Generation>> part : parts) {
                    for (Generation g : join(part)) {
                        tokens += g.tokens().length;
                        eos[0] += g.finishReason() == FinishReason.EOS ? 1 : 0;
                    }
                }
                return tokens;
            }, repeats);
            return BenchResult.of(name, label, "tokens/s", r, "prototype; " + newTokens + " new tokens"
                    + (eos[0] == 0 ? "" : "; " + eos[0] + " sequences stopped at EOS"));
        } finally {
            pool.shutdownNow();
            Threads.setIntraOp(before);
        }
    }

    private static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a decoding stream failed: " + e.getCause(), e.getCause());
        }
    }

    /** Teacher-forced log-probs of B=16 sequences of T=128 (BOS + 127 response tokens), no gradient. */
    private BenchResult score(String name, LlamaModel model) {
        List<int[]> prompts = new ArrayList<>();
        List<int[]> responses = new ArrayList<>();
        for (int[] s : randomSequences(model.config().vocabSize(), 2)) {
            prompts.add(new int[] {s[0]});
            responses.add(java.util.Arrays.copyOfRange(s, 1, s.length));
        }
        double[] r = time(name + " score", () -> {
            LogProbScorer.score(model, prompts, responses, 1f);
            return (double) BATCH * SEQUENCE;
        }, repeats);
        return BenchResult.of(name, "score b=16 T=128 (teacher-forced)", "tokens/s", r, "");
    }

    /**
     * SupervisedStep on B=16 sequences of T=128: forward, backward, AdamW. Each timed step is
     * paired with a matmul measurement taken just before it, so that the MFU of that step is
     * computed against the peak the cores gave at that moment (the machine may be shared).
     */
    private BenchResult[] train(String name, LlamaModel model) {
        List<int[]> batch = randomSequences(model.config().vocabSize(), 3);
        model.setTrainable(true);
        try (AdamW adam = AdamW.withLearningRate(model.parameters(), model.manager(), 1e-4);
                NDManager m = NDManager.newBaseManager()) {
            SupervisedStep step = new SupervisedStep(model, adam);
            NDArray a = m.randomNormal(new Shape(1024, 1024));
            NDArray b = m.randomNormal(new Shape(1024, 1024));
            step.step(batch); // warm-up
            double[] rates = new double[repeats];
            double[] peaks = new double[repeats];
            double[] mfu = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                peaks[i] = matmulGflops(a, b, 5);
                long start = System.nanoTime();
                step.step(batch);
                rates[i] = (double) BATCH * SEQUENCE / ((System.nanoTime() - start) / 1e9);
                mfu[i] = 100 * 6.0 * model.parameterCount() * rates[i] / (peaks[i] * 1e9);
            }
            log.printf(Locale.ROOT, "  %-40s median %s (MFU %.1f%%)%n", name + " train",
                    MlBenchCommand.format(BenchResult.median(rates)), BenchResult.median(mfu));
            BenchResult train = BenchResult.of(name, "train step b=16 T=128 (fwd+bwd+AdamW)", "tokens/s", rates, "");
            BenchResult peak = BenchResult.of(name, "fp32 matmul 1024², paired with train", "GFLOP/s", peaks, "");
            BenchResult util = new BenchResult(name, "train MFU = 6·N·tokens/s ÷ matmul", "% MFU", mfu,
                    BenchResult.median(mfu), peak.name(), Double.NaN, String.format(Locale.ROOT,
                            "6·N·tokens/s = %.1f GFLOP/s; each step against the matmul measured just before it",
                            6.0 * model.parameterCount() * train.median() / 1e9));
            return new BenchResult[] {train, peak, util};
        } finally {
            model.setTrainable(false);
        }
    }

    /** GFLOP/s of {@code count} products of two 1024² matrices. */
    private static double matmulGflops(NDArray a, NDArray b, int count) {
        long n = a.getShape().get(0);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            try (NDArray c = a.matMul(b)) {
                c.getShape(); // computed eagerly; closing frees it at once
            }
        }
        return 2.0 * n * n * n * count / ((System.nanoTime() - start) / 1e9) / 1e9;
    }

    /** B sequences of T tokens: BOS, then ids drawn uniformly from the non-special tokens. */
    private static List<int[]> randomSequences(int vocab, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int b = 0; b < BATCH; b++) {
            int[] s = new int[SEQUENCE];
            s[0] = Llama2cTokenizer.BOS_ID;
            for (int t = 1; t < SEQUENCE; t++) {
                s[t] = random.nextInt(3, vocab);
            }
            out.add(s);
        }
        return out;
    }

    /** One warm-up run, then {@code n} timed runs; each returns units done; the result is units/s. */
    private double[] time(String what, DoubleSupplier run, int n) {
        return time(what, run::getAsDouble, run, n);
    }

    /** {@code warmUp} once (a shorter run that touches the same code), then {@code n} timed runs. */
    private double[] time(String what, Runnable warmUp, DoubleSupplier run, int n) {
        warmUp.run();
        double[] rates = new double[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            double units = run.getAsDouble();
            rates[i] = units / ((System.nanoTime() - start) / 1e9);
        }
        log.printf(Locale.ROOT, "  %-40s median %s%n", what, MlBenchCommand.format(BenchResult.median(rates)));
        log.flush();
        return rates;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through to the JVM's description
        }
        return System.getProperty("os.arch");
    }
}
