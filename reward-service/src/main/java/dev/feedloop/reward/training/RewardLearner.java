package dev.feedloop.reward.training;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.feedloop.ml.checkpoint.CheckpointManifest;
import dev.feedloop.ml.checkpoint.CheckpointStore;
import dev.feedloop.ml.checkpoint.KnownPairs;
import dev.feedloop.ml.checkpoint.Llama2cCheckpoint;
import dev.feedloop.ml.checkpoint.LoadedCheckpoint;
import dev.feedloop.ml.checkpoint.Sha256;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.model.RewardModel;
import dev.feedloop.ml.preference.Comparison;
import dev.feedloop.ml.preference.ComparisonStats;
import dev.feedloop.ml.preference.PairEncoder;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;
import dev.feedloop.ml.tokenizer.Tokenizer;
import dev.feedloop.ml.train.AdamW;
import dev.feedloop.ml.train.BradleyTerryStep;
import dev.feedloop.ml.train.EncodedPair;
import dev.feedloop.ml.train.RewardEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two reward models of the service and everything DJL does with them; used from one thread
 * only (one GradientCollector per JVM, STACK-NOTES pitfall 3).
 *
 * <ul>
 *   <li>the <b>candidate</b>, trained online with {@link BradleyTerryStep} (AdamW);</li>
 *   <li>the <b>published</b> version, a frozen copy of the candidate taken when it passed the gate:
 *       it scores rollouts and gRPC requests and is the gate's baseline.</li>
 * </ul>
 * Version 0 is the base policy's trunk with a zero reward head: it gives every response 0.
 */
public final class RewardLearner implements AutoCloseable {

    private final NDManager root;
    private final Tokenizer tokenizer;
    private final Path tokenizerFile;
    private final PairEncoder encoder;
    private final int scoreBatchSize;
    private final RewardModel candidate;
    private final AdamW optimizer;
    private final BradleyTerryStep step;
    private RewardModel published;
    private long publishedVersion;

    private RewardLearner(NDManager root, LlamaModel trunk, long version, Tokenizer tokenizer, Path tokenizerFile,
            int maxTokens, double learningRate, int scoreBatchSize) {
        this.root = root;
        this.tokenizer = tokenizer;
        this.tokenizerFile = tokenizerFile;
        this.encoder = new PairEncoder(tokenizer, maxTokens, true, true);
        this.scoreBatchSize = scoreBatchSize;
        this.published = new RewardModel(trunk);
        this.published.model().setTrainable(false);
        this.publishedVersion = version;
        this.candidate = new RewardModel(frozenCopy(published));
        this.candidate.model().setTrainable(true);
        this.optimizer = AdamW.withLearningRate(candidate.model().parameters(), root, learningRate);
        this.step = new BradleyTerryStep(candidate, optimizer);
    }

    /** Version 0: the llama2.c base policy as trunk, a zero head. */
    public static RewardLearner fromBase(NDManager root, Path model, Path tokenizerFile, int maxTokens,
            double learningRate, int scoreBatchSize) {
        Llama2cTokenizer tokenizer = Llama2cTokenizer.load(tokenizerFile);
        KnownPairs.check(Sha256.of(model), tokenizer.sha256(), model, tokenizerFile);
        LlamaModel trunk = Llama2cCheckpoint.load(model, root);
        return new RewardLearner(root, trunk, 0, tokenizer, tokenizerFile, maxTokens, learningRate, scoreBatchSize);
    }

    /**
     * A published version from its checkpoint directory, after checking the manifest's sha256
     * against the event's and every file against the manifest.
     *
     * @throws IllegalStateException naming the file and both hashes when they differ
     */
    public static RewardLearner fromCheckpoint(NDManager root, Path dir, long version, String expectedSha256,
            int maxTokens, double learningRate, int scoreBatchSize) {
        Path manifest = dir.resolve(CheckpointStore.MANIFEST_FILE);
        if (!Files.isRegularFile(manifest)) {
            throw new IllegalStateException("reward model version " + version + ": " + manifest + " does not exist");
        }
        String actual = Sha256.of(manifest);
        if (!actual.equalsIgnoreCase(expectedSha256)) {
            throw new IllegalStateException("reward model version " + version + ": " + manifest + " has sha256 "
                    + actual + " but RewardModelPublished.sha256 is " + expectedSha256);
        }
        NDManager manager = root.newSubManager();
        LoadedCheckpoint checkpoint = CheckpointStore.load(dir, manager);
        LlamaModel trunk = new LlamaModel(checkpoint.config(), manager, checkpoint.weights());
        return new RewardLearner(root, trunk, version, checkpoint.tokenizer(),
                dir.resolve(checkpoint.manifest().tokenizerFile()), maxTokens, learningRate, scoreBatchSize);
    }

    public PairEncoder encoder() {
        return encoder;
    }

    public long publishedVersion() {
        return publishedVersion;
    }

    /** One Bradley-Terry step of the candidate. */
    public BradleyTerryStep.Result train(List<EncodedPair> batch) {
        return step.step(batch);
    }

    public long optimizerSteps() {
        return optimizer.steps();
    }

    public RewardEvaluator.Metrics evaluateCandidate(List<EncodedPair> heldOut) {
        return RewardEvaluator.evaluate(candidate, heldOut, scoreBatchSize);
    }

    public RewardEvaluator.Metrics evaluatePublished(List<EncodedPair> heldOut) {
        return RewardEvaluator.evaluate(published, heldOut, scoreBatchSize);
    }

    /** Writes the candidate as a Feedloop checkpoint into {@code dir} (which must not exist). */
    public CheckpointManifest writeCandidate(Path dir, Map<String, String> metadata) {
        LlamaModel m = candidate.model();
        return CheckpointStore.write(dir, m.config(), new LinkedHashMap<>(m.weights()), tokenizerFile, metadata);
    }

    /** The candidate, as it is now, becomes the published {@code version}. */
    public void promote(long version) {
        RewardModel next = new RewardModel(frozenCopy(candidate));
        next.model().setTrainable(false);
        published.model().close();
        published = next;
        publishedVersion = version;
    }

    /**
     * Rewards of (prompt, response) texts under the published version, encoded as in training
     * ({@code [BOS] prompt response [EOS]}, cut by {@link PairEncoder}'s rule).
     */
    public float[] score(List<String> prompts, List<String> responses) {
        List<int[]> p = new ArrayList<>(prompts.size());
        List<int[]> r = new ArrayList<>(prompts.size());
        ComparisonStats ignored = new ComparisonStats();
        for (int i = 0; i < prompts.size(); i++) {
            String response = responses.get(i);
            // PairEncoder encodes pairs: pair the response with an empty (or, for an empty response,
            // a one-space) other side and keep the first sequence.
            PairEncoder.EncodedPair e = encoder.encode(
                    Comparison.of("score", prompts.get(i), response, response.isEmpty() ? " " : ""), ignored);
            int[] sequence = e != null ? e.chosen() : new int[] {tokenizer.bosId(), tokenizer.eosId()};
            int promptTokens = e != null ? e.promptTokens() : 1;
            p.add(Arrays.copyOfRange(sequence, 0, promptTokens));
            r.add(Arrays.copyOfRange(sequence, promptTokens, sequence.length));
        }
        return published.score(p, r, scoreBatchSize);
    }

    /** A copy that does not take part in autograd (copied with gradients off, so it is a plain leaf). */
    private LlamaModel frozenCopy(RewardModel source) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return source.model().copy(root);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    @Override
    public void close() {
        optimizer.close();
        candidate.model().close();
        published.model().close();
    }
}
