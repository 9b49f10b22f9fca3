package dev.feedloop.trainer.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.feedloop.contracts.events.v1.RolloutScored;
import dev.feedloop.ml.Threads;
import dev.feedloop.ml.checkpoint.CheckpointStore;
import dev.feedloop.ml.checkpoint.Sha256;
import dev.feedloop.ml.model.Weights;
import dev.feedloop.ml.train.PpoConfig;
import dev.feedloop.ml.train.ScoredRollout;
import dev.feedloop.trainer.RealRollouts;
import dev.feedloop.trainer.lineage.OffsetCodec;
import dev.feedloop.trainer.lineage.PartitionKey;
import dev.feedloop.trainer.rollout.RolloutDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real DJL training steps on real rollouts: PPO and RLOO, warm-up, checkpoint and resume state. */
class PolicyTrainerTest {

    static final String WQ = Weights.layer(0, "wq");
    static NDManager root;
    static List<ScoredRollout> batch;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        Threads.configure(1, 1);
        root = NDManager.newBaseManager();
        batch = new ArrayList<>();
        RolloutDecoder decoder = new RolloutDecoder(512, 512);
        try (RealRollouts rollouts = new RealRollouts()) {
            for (String prompt : List.of("Once upon a time", "The dog")) {
                RolloutScored s = rollouts.scored(prompt, 4, 0, 1);
                batch.addAll(decoder.decode(s).responses());
            }
        }
    }

    @AfterAll
    static void tearDown() {
        root.close();
    }

    static PpoConfig config(PpoConfig.Estimator estimator) {
        return PpoConfig.defaults().withEstimator(estimator).withEpochs(1, 8).withLearningRate(1e-3);
    }

    @Test
    void ppoTrainsThePolicyWithAValueHeadWarmsUpAndWritesAResumableCheckpoint() {
        Path checkpointDir = dir.resolve("policies");
        PolicyCheckpoints checkpoints = new PolicyCheckpoints(checkpointDir, RealRollouts.TOKENIZER);
        float[] before;
        float[] after;
        try (PolicyTrainer trainer = PolicyTrainer.start(root, RealRollouts.MODEL, RealRollouts.TOKENIZER, null,
                config(PpoConfig.Estimator.PPO), Double.NaN, 4)) {
            assertTrue(trainer.policy().hasValueHead());
            assertEquals(0.05, trainer.klCoefficient(), "NaN = the config's β");
            before = trainer.policy().weights().get(WQ).toFloatArray();
            trainer.step(batch);
            assertEquals(1e-3 / 4, trainer.currentLearningRate(), 1e-12, "warm-up: step 1 of 4");
            trainer.step(batch);
            assertEquals(1e-3 / 2, trainer.currentLearningRate(), 1e-12, "warm-up: step 2 of 4");
            after = trainer.policy().weights().get(WQ).toFloatArray();
            assertFalse(java.util.Arrays.equals(before, after), "the steps changed the policy");
            PolicyCheckpoints.Written w = checkpoints.write(1, trainer.policy(), Map.of(
                    PolicyCheckpoints.VERSION, "1",
                    PolicyCheckpoints.RESUME_POSITIONS, OffsetCodec.positions(Map.of(new PartitionKey("feedloop.rewards.v1", 2), 17L)),
                    PolicyCheckpoints.KL_COEFFICIENT, "0.042"));
            assertEquals(checkpointDir.resolve("v000001"), w.location());
            assertEquals(Sha256.of(w.location().resolve(CheckpointStore.MANIFEST_FILE)), w.sha256());
        }

        assertEquals(checkpointDir.resolve("v000001"), checkpoints.latest().orElseThrow());
        TrainerState state = PolicyCheckpoints.state(checkpoints.latest().get());
        assertEquals(1, state.version());
        assertEquals(Map.of(new PartitionKey("feedloop.rewards.v1", 2), 17L), state.resumePositions());
        assertEquals(0.042, state.klCoefficient());
        try (PolicyTrainer resumed = PolicyTrainer.start(root, RealRollouts.MODEL, RealRollouts.TOKENIZER,
                checkpoints.latest().get(), config(PpoConfig.Estimator.PPO), state.klCoefficient(), 4)) {
            assertArrayEquals(after, resumed.policy().weights().get(WQ).toFloatArray(), "weights resume exactly");
            assertEquals(0.042, resumed.klCoefficient(), "β resumes");
            assertTrue(resumed.policy().hasValueHead(), "the value head resumes too");
        }
    }

    @Test
    void rlooTrainsWithoutAValueHead() {
        try (PolicyTrainer trainer = PolicyTrainer.start(root, RealRollouts.MODEL, RealRollouts.TOKENIZER, null,
                config(PpoConfig.Estimator.RLOO), Double.NaN, 0)) {
            float[] before = trainer.policy().weights().get(WQ).toFloatArray();
            Map<String, Double> m = trainer.step(batch).metrics();
            assertFalse(trainer.policy().hasValueHead());
            assertFalse(m.containsKey("loss/value"));
            assertTrue(Double.isFinite(m.get("loss/policy")));
            assertFalse(java.util.Arrays.equals(before, trainer.policy().weights().get(WQ).toFloatArray()));
        }
    }
}
