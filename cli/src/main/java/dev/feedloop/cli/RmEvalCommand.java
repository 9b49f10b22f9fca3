package dev.feedloop.cli;

import ai.djl.ndarray.NDManager;
import dev.feedloop.cli.rm.HeldOutEvaluation;
import dev.feedloop.cli.rm.PreferenceData;
import dev.feedloop.cli.rm.SequenceRewards;
import dev.feedloop.ml.Threads;
import dev.feedloop.ml.checkpoint.CheckpointStore;
import dev.feedloop.ml.checkpoint.LoadedCheckpoint;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.model.RewardModel;
import dev.feedloop.ml.preference.PairwiseAccuracy;
import dev.feedloop.ml.tokenizer.HuggingFaceTokenizer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code feedloop rm eval}: held-out pairwise accuracy of a reward-model checkpoint, with its 95%
 * Wilson interval, beside the three baselines on the same pairs. The split is the prompt-hash split
 * of {@code rm train}: by default the held-out share and the token limit the checkpoint was trained
 * with (from its manifest), so evaluating on the training files scores only prompts it never saw.
 */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Held-out pairwise accuracy (95% Wilson interval) of a reward-model checkpoint on preference files,"
                + " beside the always-longer, always-shorter and bag-of-words baselines on the same pairs.")
final class RmEvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", required = true, description = "Checkpoint directory written by rm train.")
    Path model;

    @Option(names = "--data", paramLabel = "FILE", required = true, split = ",",
            description = "Preference file(s): HH-RLHF JSONL(.gz) and/or OpenAssistant trees JSONL.")
    List<Path> data;

    @Option(names = "--format", paramLabel = "F", defaultValue = "auto",
            description = "auto, hh-rlhf or oasst (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--held-out", paramLabel = "F",
            description = "Share of prompts held out, by hash, in (0, 1) (default: the checkpoint's, else 0.2).")
    Double heldOut;

    @Option(names = "--max-tokens", paramLabel = "T",
            description = "Tokens per sequence (default: the checkpoint's, else its context length).")
    Integer maxTokens;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "Sequences scored per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "libtorch intra-op threads; 0 = all cores.")
    int threads;

    @Override
    public Integer call() {
        if (!Files.isDirectory(model)) {
            throw usage("--model: no such checkpoint directory: " + model);
        }
        if (heldOut != null && !(heldOut > 0 && heldOut < 1)) {
            throw usage("--held-out " + heldOut + " must be in (0, 1)");
        }
        if (maxTokens != null && maxTokens < 8) {
            throw usage("--max-tokens " + maxTokens + " must be >= 8");
        }
        if (batch < 1 || threads < 0) {
            throw usage("--batch must be >= 1 and --threads >= 0");
        }
        PreferenceData.Format fmt = RmFiles.format(spec, format);
        List<Path> files = RmFiles.existing(spec, data);
        RmFiles.formats(spec, files, fmt);
        Threads.configure(threads, 0);
        PrintWriter w = spec.commandLine().getOut();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDManager weights = manager.newSubManager();
            LoadedCheckpoint loaded = CheckpointStore.load(model, weights);
            try {
                if (!loaded.weights().containsKey(dev.feedloop.ml.checkpoint.WeightNames.REWARD_HEAD_WEIGHT)) {
                    throw usage("--model " + model + " has no reward head: not a reward model");
                }
                Map<String, String> meta = loaded.manifest().metadata();
                double fraction = heldOut != null ? heldOut : Double.parseDouble(meta.getOrDefault("held_out_fraction", "0.2"));
                int contextLength = loaded.config().contextLength();
                int tokens = maxTokens != null ? maxTokens
                        : Integer.parseInt(meta.getOrDefault("max_tokens", Integer.toString(contextLength)));
                if (tokens > contextLength) {
                    throw usage("--max-tokens " + tokens + " exceeds the model's context of " + contextLength + " tokens");
                }
                RewardModel rm = new RewardModel(new LlamaModel(loaded.config(), weights, loaded.weights()));
                w.printf(Locale.ROOT, "model: %s (%,d parameters; trained on %s, %s steps; weights sha256 %s)%n", model,
                        rm.model().parameterCount(), meta.getOrDefault("data", "?"), meta.getOrDefault("steps", "?"),
                        loaded.manifest().weightsSha256());
                PreferenceData.Loaded data = PreferenceData.load(files, fmt);
                data.summary().forEach(s -> w.println("data: " + s));
                HeldOutEvaluation.Prepared prepared = HeldOutEvaluation.prepare(data, loaded.tokenizer(), tokens, fraction);
                w.printf(Locale.ROOT, "pairs: %,d held out (%.0f%% of prompts by hash; %,d train pairs fit the bag-of-words baseline); max %d tokens per sequence%n",
                        prepared.heldOut().size(), 100 * fraction, prepared.train().size(), tokens);
                PairwiseAccuracy acc = SequenceRewards.accuracy(rm, prepared.heldOut(), batch);
                HeldOutEvaluation.print(w, "held out", acc, prepared.baselines());
            } finally {
                if (loaded.tokenizer() instanceof HuggingFaceTokenizer hf) {
                    hf.close();
                }
            }
        }
        return Feedloop.OK;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
