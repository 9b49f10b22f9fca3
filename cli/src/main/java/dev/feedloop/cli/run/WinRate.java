package dev.feedloop.cli.run;

import ai.djl.ndarray.NDManager;
import dev.feedloop.cli.panel.HiddenPreference;
import dev.feedloop.ml.checkpoint.CheckpointStore;
import dev.feedloop.ml.checkpoint.LoadedCheckpoint;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.sampling.Generation;
import dev.feedloop.ml.sampling.Sampler;
import dev.feedloop.ml.sampling.SamplingParams;
import dev.feedloop.ml.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;

/**
 * The hidden preference's win rate of a policy version against the base policy on held-out prompts:
 * each model samples {@code samplesPerPrompt} responses per prompt with the same seed, the i-th
 * response of the version is judged against the i-th of the base by {@link HiddenPreference#judge}
 * (win 1, tie ½, loss 0), and the mean is the win rate. 0.5 means no better than the base.
 * The services never see this judge; only the panel's noisy labels reach them.
 *
 * @param winRate        mean of the judgements
 * @param lower95        Wilson 95% interval, lower end (ties counted as half a win)
 * @param upper95        upper end
 * @param comparisons    judged pairs
 * @param versionUtility mean hidden utility of the version's responses
 * @param baseUtility    mean hidden utility of the base's responses
 */
public record WinRate(double winRate, double lower95, double upper95, int comparisons,
                      double versionUtility, double baseUtility) {

    /** Judges {@code version} against {@code base} on {@code prompts}. */
    public static WinRate measure(LlamaModel version, LlamaModel base, Tokenizer tokenizer, List<String> prompts,
                                  int samplesPerPrompt, SamplingParams params) {
        List<Generation> ours = new Sampler(version, tokenizer).generate(prompts, samplesPerPrompt, params);
        List<Generation> theirs = new Sampler(base, tokenizer).generate(prompts, samplesPerPrompt, params);
        double wins = 0;
        double uv = 0;
        double ub = 0;
        for (int i = 0; i < ours.size(); i++) {
            String a = ours.get(i).text();
            String b = theirs.get(i).text();
            wins += HiddenPreference.judge(a, b);
            uv += HiddenPreference.utility(a);
            ub += HiddenPreference.utility(b);
        }
        int n = ours.size();
        double p = wins / n;
        double z = 1.959964;
        double denominator = 1 + z * z / n;
        double centre = (p + z * z / (2 * n)) / denominator;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denominator;
        return new WinRate(p, centre - half, centre + half, n, uv / n, ub / n);
    }

    /** Loads a Feedloop checkpoint directory (verified against its manifest) as a model on {@code manager}. */
    public static LlamaModel load(Path checkpoint, NDManager manager) {
        LoadedCheckpoint c = CheckpointStore.load(checkpoint, manager);
        LlamaModel model = new LlamaModel(c.config(), manager, c.weights());
        model.setTrainable(false);
        return model;
    }
}
