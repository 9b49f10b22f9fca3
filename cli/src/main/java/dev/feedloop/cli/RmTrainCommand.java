package dev.feedloop.cli;

import ai.djl.ndarray.NDManager;
import dev.feedloop.cli.rm.HeldOutEvaluation;
import dev.feedloop.cli.rm.PreferenceData;
import dev.feedloop.cli.rm.RewardModelTraining;
import dev.feedloop.cli.rm.SequenceRewards;
import dev.feedloop.ml.Threads;
import dev.feedloop.ml.checkpoint.CheckpointManifest;
import dev.feedloop.ml.checkpoint.CheckpointStore;
import dev.feedloop.ml.checkpoint.Llama2cCheckpoint;
import dev.feedloop.ml.checkpoint.Sha256;
import dev.feedloop.ml.model.LlamaConfig;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.model.RandomInit;
import dev.feedloop.ml.model.RewardModel;
import dev.feedloop.ml.preference.PairwiseAccuracy;
import dev.feedloop.ml.tokenizer.HuggingFaceTokenizer;
import dev.feedloop.ml.tokenizer.Tokenizer;
import dev.feedloop.ml.tokenizer.Tokenizers;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code feedloop rm train}: a Bradley-Terry reward model on preference files. Loads the files
 * ({@link PreferenceData}), holds out a share of the prompts by hash, trains on the rest
 * ({@link RewardModelTraining}), prints held-out accuracy with its 95% Wilson interval beside the
 * three baselines computed in the same run ({@link HeldOutEvaluation}), and writes the model as a
 * {@link CheckpointStore} directory whose manifest records the data, the configuration and the figures.
 */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Train a Bradley-Terry reward model on HH-RLHF and/or OpenAssistant files, holding out a share of"
                + " the prompts (by hash); print held-out accuracy beside the always-longer, always-shorter and"
                + " bag-of-words baselines; write a checkpoint directory.")
final class RmTrainCommand implements Callable<Integer> {
    static final String DEFAULT_TRUNK = "data/models/stories260K/stories260K.bin";
    static final String DEFAULT_TOKENIZER = "data/models/stories260K/tok512.bin";
    static final String INIT_PRETRAINED = "pretrained";
    static final String INIT_RANDOM = "random";

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "FILE", required = true, split = ",",
            description = "Preference file(s): HH-RLHF JSONL(.gz) and/or OpenAssistant trees JSONL; repeat or comma-separate.")
    List<Path> data;

    @Option(names = "--format", paramLabel = "F", defaultValue = "auto",
            description = "auto (from each file's first record), hh-rlhf or oasst (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Checkpoint directory to write; must not exist.")
    Path out;

    @Option(names = "--held-out", paramLabel = "F", defaultValue = "0.2",
            description = "Share of prompts held out for evaluation, by prompt hash, in (0, 1) (default: ${DEFAULT-VALUE}).")
    double heldOut;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "600", description = "Optimiser steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "16", description = "Pairs per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3",
            description = "Peak learning rate; linear warm-up, then cosine to a tenth (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "-1",
            description = "Warm-up steps; -1 = a tenth of --steps, at most 100 (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--weight-decay", paramLabel = "W", defaultValue = "0",
            description = "AdamW decoupled weight decay on matrices (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--max-tokens", paramLabel = "T", defaultValue = "256",
            description = "Tokens per sequence, BOS + prompt + response + EOS; prompts are cut from the left (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the shuffle and of a random trunk (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "libtorch intra-op threads; 0 = all cores (training prefers 2, BENCHMARKS.md).")
    int threads;

    @Option(names = "--init", paramLabel = "HOW", defaultValue = INIT_PRETRAINED,
            description = "Trunk: pretrained (the --trunk checkpoint) or random (--dim, --layers, --heads) (default: ${DEFAULT-VALUE}).")
    String init;

    @Option(names = "--trunk", paramLabel = "FILE",
            description = "llama2.c checkpoint for --init pretrained (default: " + DEFAULT_TRUNK + ").")
    Path trunk;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "Tokenizer, tok*.bin or tokenizer.json; a random trunk takes its vocabulary (default: " + DEFAULT_TOKENIZER + ").")
    Path tokenizer;

    @Option(names = "--dim", paramLabel = "C", defaultValue = "128", description = "Random trunk: width (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--layers", paramLabel = "L", defaultValue = "4", description = "Random trunk: layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--heads", paramLabel = "H", defaultValue = "4", description = "Random trunk: attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--validation", paramLabel = "F", defaultValue = "0",
            description = "Share of prompts (from the training side) to pick the step to keep by; 0 = keep the last (default: ${DEFAULT-VALUE}).")
    double validation;

    @Option(names = "--eval-every", paramLabel = "N", defaultValue = "50",
            description = "Steps between validation checks when --validation > 0 (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--log-every", paramLabel = "N", defaultValue = "50", description = "Steps between progress lines; 0 = none (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Override
    public Integer call() {
        validate();
        PreferenceData.Format fmt = RmFiles.format(spec, format);
        List<Path> files = RmFiles.existing(spec, data);
        Path tokenizerFile = RmFiles.existing(spec, "--tokenizer", Home.resolve(tokenizer, DEFAULT_TOKENIZER));
        Path trunkFile = init.equals(INIT_PRETRAINED) ? RmFiles.existing(spec, "--trunk", Home.resolve(trunk, DEFAULT_TRUNK)) : null;
        if (Files.exists(out)) {
            throw usage("--out " + out + " already exists (a checkpoint directory is written once)");
        }
        RmFiles.formats(spec, files, fmt);
        Threads.configure(threads, 0);
        PrintWriter w = spec.commandLine().getOut();
        Tokenizer tok = Tokenizers.load(tokenizerFile);
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = trunkFile != null
                    ? Llama2cCheckpoint.load(trunkFile, manager)
                    : RandomInit.create(randomConfig(tok.vocabSize()), manager, seed);
            LlamaConfig config = model.config();
            if (tok.vocabSize() > config.vocabSize()) {
                throw usage("--tokenizer " + tokenizerFile + " has " + tok.vocabSize() + " tokens but the trunk's vocabulary is "
                        + config.vocabSize());
            }
            if (maxTokens > config.contextLength()) {
                throw usage("--max-tokens " + maxTokens + " exceeds the trunk's context of " + config.contextLength() + " tokens");
            }
            RewardModel rm = new RewardModel(model);

            PreferenceData.Loaded loaded = PreferenceData.load(files, fmt);
            loaded.summary().forEach(s -> w.println("data: " + s));
            HeldOutEvaluation.Prepared prepared = HeldOutEvaluation.prepare(loaded, tok, maxTokens, heldOut, validation);
            w.printf(Locale.ROOT, "pairs: %,d train, %,d validation, %,d held out (%.0f%% of prompts by hash); max %d tokens per sequence%n",
                    prepared.train().size(), prepared.validation().size(), prepared.heldOut().size(), 100 * heldOut, maxTokens);
            w.printf(Locale.ROOT, "trunk: %s (%,d parameters: dim %d, %d layers, %d heads, vocab %d, context %d) + reward head; tokenizer %s%n",
                    trunkFile != null ? trunkFile.getFileName() : "random (seed " + seed + ")", model.parameterCount(),
                    config.dim(), config.numLayers(), config.numHeads(), config.vocabSize(), config.contextLength(),
                    tokenizerFile.getFileName());
            int warm = warmup >= 0 ? warmup : Math.min(100, steps / 10);
            RewardModelTraining.Config tc = new RewardModelTraining.Config(steps, batch, lr, warm, weightDecay, seed, logEvery,
                    validation > 0 ? evalEvery : 0);
            w.printf(Locale.ROOT, "training: %d steps × %d pairs, lr %.1e (warm-up %d, cosine to %.1e), weight decay %s, seed %d, %d threads%n",
                    steps, batch, lr, warm, lr / 10, weightDecay, seed, Threads.intraOp());
            w.flush();
            RewardModelTraining.Summary s = RewardModelTraining.train(rm, prepared.train(), prepared.validation(), tc, w);
            w.printf(Locale.ROOT, "trained in %.1f s: %.1f pairs/s, %,.0f tokens/s (both sides of each pair)%n",
                    s.seconds(), s.pairsPerSecond(), s.tokensPerSecond());

            PairwiseAccuracy acc = SequenceRewards.accuracy(rm, prepared.heldOut(), 32);
            HeldOutEvaluation.print(w, "held out", acc, prepared.baselines());

            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("kind", "reward-model");
            meta.put("data", files.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(",")));
            meta.put("data_sha256", files.stream().map(Sha256::of).collect(Collectors.joining(",")));
            meta.put("format", format);
            meta.put("held_out_fraction", Double.toString(heldOut));
            meta.put("max_tokens", Integer.toString(maxTokens));
            meta.put("init", trunkFile != null ? trunkFile.getFileName().toString() : "random");
            meta.put("steps", Integer.toString(steps));
            meta.put("batch", Integer.toString(batch));
            meta.put("lr", Double.toString(lr));
            meta.put("seed", Long.toString(seed));
            meta.put("train_pairs", Integer.toString(prepared.train().size()));
            meta.put("validation_pairs", Integer.toString(prepared.validation().size()));
            meta.put("kept_step", Integer.toString(s.keptStep()));
            meta.put("heldout_pairs", Long.toString(acc.pairs()));
            meta.put("heldout_accuracy", Double.toString(acc.accuracy()));
            meta.put("heldout_lower95", Double.toString(acc.lower95()));
            meta.put("heldout_upper95", Double.toString(acc.upper95()));
            prepared.baselines().forEach((name, a) -> meta.put("baseline " + name, Double.toString(a.accuracy())));
            CheckpointManifest manifest = CheckpointStore.write(out, config, new LinkedHashMap<>(model.weights()),
                    tokenizerFile, meta);
            w.printf(Locale.ROOT, "checkpoint: %s (weights sha256 %s)%n", out, manifest.weightsSha256());
            w.flush();
        } finally {
            if (tok instanceof HuggingFaceTokenizer hf) {
                hf.close();
            }
        }
        return Feedloop.OK;
    }

    private LlamaConfig randomConfig(int vocab) {
        int hidden = ((8 * dim / 3) + 31) / 32 * 32; // SwiGLU's 2/3 · 4C, rounded up to 32 (llama2.c)
        try {
            return new LlamaConfig(dim, hidden, layers, heads, heads, vocab, maxTokens, true, 10000.0, 1e-5);
        } catch (IllegalArgumentException e) {
            throw usage("random trunk: " + e.getMessage());
        }
    }

    private void validate() {
        if (!(heldOut > 0 && heldOut < 1)) {
            throw usage("--held-out " + heldOut + " must be in (0, 1)");
        }
        if (steps < 1) {
            throw usage("--steps " + steps + " must be >= 1");
        }
        if (batch < 1) {
            throw usage("--batch " + batch + " must be >= 1");
        }
        if (warmup > steps) {
            throw usage("--warmup " + warmup + " exceeds --steps " + steps);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw usage("--lr " + lr + " must be > 0");
        }
        if (!(weightDecay >= 0) || weightDecay * lr >= 1) {
            throw usage("--weight-decay " + weightDecay + " must be >= 0 and below 1/lr");
        }
        if (maxTokens < 8) {
            throw usage("--max-tokens " + maxTokens + " must be >= 8");
        }
        if (threads < 0) {
            throw usage("--threads " + threads + " must be >= 0 (0 = default)");
        }
        if (!(validation >= 0) || heldOut + validation >= 1) {
            throw usage("--validation " + validation + " must be >= 0 and leave training prompts beside --held-out " + heldOut);
        }
        if (evalEvery < 1) {
            throw usage("--eval-every " + evalEvery + " must be >= 1");
        }
        if (logEvery < 0) {
            throw usage("--log-every " + logEvery + " must be >= 0");
        }
        if (!init.equals(INIT_PRETRAINED) && !init.equals(INIT_RANDOM)) {
            throw usage("--init " + init + " is neither " + INIT_PRETRAINED + " nor " + INIT_RANDOM);
        }
        if (init.equals(INIT_RANDOM) && (dim < 2 || layers < 1 || heads < 1)) {
            throw usage("random trunk: --dim " + dim + ", --layers " + layers + ", --heads " + heads + " must be positive");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
