package dev.feedloop.cli;

import ai.djl.ndarray.NDManager;
import dev.feedloop.ml.Threads;
import dev.feedloop.ml.checkpoint.Llama2cCheckpoint;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.sampling.Generation;
import dev.feedloop.ml.sampling.Sampler;
import dev.feedloop.ml.sampling.SamplingParams;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code feedloop generate PROMPT}: samples N continuations of one prompt in one batch and prints
 * each, numbered, as prompt + continuation, with its finish reason and mean per-token log-prob
 * (under the sampling temperature, the convention of {@link SamplingParams}).
 */
@Command(name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Sample continuations of PROMPT from a llama2.c model (stories260K by default).")
final class GenerateCommand implements Callable<Integer> {
    static final String DEFAULT_MODEL = "data/models/stories260K/stories260K.bin";
    static final String DEFAULT_TOKENIZER = "data/models/stories260K/tok512.bin";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROMPT", description = "Text to continue; \"\" starts a story from scratch.")
    String prompt;

    @Option(names = {"-n", "--samples"}, paramLabel = "N", defaultValue = "4",
            description = "Continuations to sample, 1…" + Sampler.MAX_SAMPLES_PER_PROMPT + " (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0",
            description = "Softmax temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "0.9",
            description = "Nucleus sampling mass in (0, 1]; 1 = off (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0",
            description = "Keep the K most likely tokens; 0 = off (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--max-tokens", paramLabel = "M", defaultValue = "128",
            description = "Most new tokens per continuation (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--seed", paramLabel = "S",
            description = "Random seed: same seed, same output (default: a fresh one, printed).")
    Long seed;

    @Option(names = "--model", paramLabel = "FILE",
            description = "llama2.c checkpoint (default: " + DEFAULT_MODEL + ").")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "llama2.c tokenizer (default: " + DEFAULT_TOKENIZER + ").")
    Path tokenizer;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "libtorch intra-op threads; 0 = the default for decoding (1: measured fastest, BENCHMARKS.md).")
    int threads;

    @Override
    public Integer call() {
        SamplingParams params = validate();
        Path modelFile = existing("--model", Home.resolve(model, DEFAULT_MODEL));
        Path tokenizerFile = existing("--tokenizer", Home.resolve(tokenizer, DEFAULT_TOKENIZER));
        Threads.configure(threads > 0 ? threads : Threads.DECODING_INTRA_OP, 0);
        Llama2cTokenizer tok = Llama2cTokenizer.load(tokenizerFile);
        try (NDManager manager = NDManager.newBaseManager();
                LlamaModel llama = Llama2cCheckpoint.load(modelFile, manager)) {
            int context = llama.config().contextLength();
            if (maxTokens >= context) {
                throw usage("--max-tokens " + maxTokens + " leaves no room for the prompt in the model's context of "
                        + context + " tokens");
            }
            Sampler sampler = new Sampler(llama, tok);
            List<Generation> generations = sampler.generate(List.of(prompt), samples, params);
            print(spec.commandLine().getOut(), prompt, modelFile, llama, params, generations);
        }
        return Feedloop.OK;
    }

    /** Checks every option against its range, naming the option and the value. */
    SamplingParams validate() {
        if (samples < 1 || samples > Sampler.MAX_SAMPLES_PER_PROMPT) {
            throw usage("-n " + samples + " is outside 1…" + Sampler.MAX_SAMPLES_PER_PROMPT);
        }
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw usage("--temperature " + temperature + " must be >= 0");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw usage("--top-p " + topP + " must be in (0, 1]");
        }
        if (topK < 0) {
            throw usage("--top-k " + topK + " must be >= 0 (0 = off)");
        }
        if (maxTokens < 1) {
            throw usage("--max-tokens " + maxTokens + " must be >= 1");
        }
        if (threads < 0) {
            throw usage("--threads " + threads + " must be >= 0 (0 = default)");
        }
        long s = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000);
        seed = s;
        return new SamplingParams(temperature, topP, topK, maxTokens, s);
    }

    private Path existing(String option, Path file) {
        if (!Files.isRegularFile(file)) {
            throw usage(option + ": no such file: " + file);
        }
        return file;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** One header line, then per sample "[i] prompt + continuation" and a line of facts. */
    static void print(PrintWriter out, String prompt, Path modelFile, LlamaModel llama, SamplingParams p, List<Generation> generations) {
        out.printf(Locale.ROOT, "%s (%,d parameters) · temperature %s · top-p %s · top-k %d · max %d tokens · seed %d%n",
                modelFile.getFileName(), llama.parameterCount(), p.temperature(), p.topP(), p.topK(),
                p.maxNewTokens(), p.seed());
        int i = 1;
        for (Generation g : generations) {
            out.println();
            out.printf(Locale.ROOT, "[%d] %s%n", i, indent(prompt + g.text()));
            out.printf(Locale.ROOT, "    (%s · %d tokens · mean log-prob %.3f)%n",
                    g.finishReason().name().toLowerCase(Locale.ROOT), g.tokens().length,
                    g.tokens().length == 0 ? 0.0 : g.totalLogprob() / g.tokens().length);
            i++;
        }
        out.flush();
    }

    private static String indent(String text) {
        return text.stripTrailing().replace("\n", "\n    ");
    }
}
