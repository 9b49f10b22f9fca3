package dev.feedloop.trainer.policy;

import ai.djl.ndarray.NDManager;
import dev.feedloop.ml.checkpoint.CheckpointStore;
import dev.feedloop.ml.checkpoint.KnownPairs;
import dev.feedloop.ml.checkpoint.Llama2cCheckpoint;
import dev.feedloop.ml.checkpoint.LoadedCheckpoint;
import dev.feedloop.ml.checkpoint.Sha256;
import dev.feedloop.ml.model.LlamaConfig;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;
import dev.feedloop.ml.train.AdamW;
import dev.feedloop.ml.train.PpoConfig;
import dev.feedloop.ml.train.PpoStep;
import dev.feedloop.ml.train.ScoredRollout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The policy being trained, the frozen reference (always the base model) and the optimiser, with
 * one method: a PPO/RLOO step on a batch of responses. Lives on one thread (DJL allows one
 * gradient collector per JVM).
 *
 * <p>Resuming: weights (and PPO's value head) come from the checkpoint; the KL coefficient is the
 * one stored there. AdamW's moments are not stored: a restart begins with fresh moments, like the
 * very first step of a run, and the learning rate warms up linearly over {@code warmupSteps} steps
 * (every start, the first included) so the first bias-corrected updates, which are about lr·sign(g)
 * per weight, stay small.
 */
public final class PolicyTrainer implements AutoCloseable {

    private final LlamaModel reference;
    private final LlamaModel policy;
    private final AdamW optimizer;
    private final PpoStep step;
    private final double learningRate;
    private final int warmupSteps;
    private long steps;

    private PolicyTrainer(LlamaModel reference, LlamaModel policy, PpoConfig config, int warmupSteps) {
        this.reference = reference;
        this.policy = policy;
        PpoStep.prepare(policy, config); // value head before the optimiser sees the parameters
        this.optimizer = AdamW.withLearningRate(policy.parameters(), policy.manager(), config.learningRate());
        this.step = new PpoStep(policy, reference, optimizer, config);
        this.learningRate = config.learningRate();
        this.warmupSteps = Math.max(0, warmupSteps);
    }

    /**
     * Loads the base model as the frozen reference and the policy from {@code checkpoint} (or the base).
     *
     * @param baseModel      a llama2.c file (with {@code baseTokenizer}) or a Feedloop checkpoint directory
     * @param checkpoint     the latest trained version, or null to start from the base
     * @param klCoefficient  β to start the controller at (the stored one when resuming); NaN = the config's
     */
    public static PolicyTrainer start(NDManager root, Path baseModel, Path baseTokenizer, Path checkpoint,
            PpoConfig config, double klCoefficient, int warmupSteps) {
        LlamaModel reference = loadBase(root, baseModel, baseTokenizer);
        LlamaModel policy;
        try {
            if (checkpoint == null) {
                policy = reference.copy(root);
            } else {
                NDManager m = root.newSubManager();
                LoadedCheckpoint loaded = CheckpointStore.load(checkpoint, m);
                LlamaConfig a = loaded.config();
                LlamaConfig b = reference.config();
                if (a.dim() != b.dim() || a.numLayers() != b.numLayers() || a.vocabSize() != b.vocabSize()) {
                    m.close();
                    throw new IllegalStateException("checkpoint " + checkpoint + " has config " + loaded.config()
                            + " but the base model has " + reference.config());
                }
                policy = new LlamaModel(loaded.config(), m, loaded.weights());
            }
        } catch (RuntimeException e) {
            reference.close();
            throw e;
        }
        double beta = Double.isNaN(klCoefficient) ? config.klCoefficient() : klCoefficient;
        return new PolicyTrainer(reference, policy, config.withKl(beta, config.klTarget()), warmupSteps);
    }

    static LlamaModel loadBase(NDManager root, Path baseModel, Path baseTokenizer) {
        if (Files.isDirectory(baseModel)) {
            NDManager m = root.newSubManager();
            LoadedCheckpoint loaded = CheckpointStore.load(baseModel, m);
            return new LlamaModel(loaded.config(), m, loaded.weights());
        }
        Llama2cTokenizer tokenizer = Llama2cTokenizer.load(baseTokenizer);
        KnownPairs.check(Sha256.of(baseModel), tokenizer.sha256(), baseModel, baseTokenizer);
        return Llama2cCheckpoint.load(baseModel, root);
    }

    /** One PPO (or RLOO) step; metrics by TRL name. */
    public PpoStep.Result step(List<ScoredRollout> batch) {
        if (warmupSteps > 0) {
            optimizer.setLearningRate(learningRate * Math.min(1.0, (steps + 1) / (double) warmupSteps));
        }
        PpoStep.Result result = step.step(batch);
        steps++;
        return result;
    }

    /** Steps since this trainer started (not since the base). */
    public long steps() {
        return steps;
    }

    public double klCoefficient() {
        return step.klCoefficient();
    }

    public double currentLearningRate() {
        return optimizer.learningRate();
    }

    public LlamaModel policy() {
        return policy;
    }

    public LlamaConfig config() {
        return policy.config();
    }

    @Override
    public void close() {
        optimizer.close();
        policy.close();
        reference.close();
    }
}
