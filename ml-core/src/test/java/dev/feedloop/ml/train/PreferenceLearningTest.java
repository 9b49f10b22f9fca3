package dev.feedloop.ml.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.feedloop.ml.Stories260K;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.model.RewardModel;
import dev.feedloop.ml.sampling.Generation;
import dev.feedloop.ml.sampling.Sampler;
import dev.feedloop.ml.sampling.SamplingParams;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Learning on a known programmatic preference: stories that mention a "boy" are preferred. About a
 * quarter of stories260K's samples do. (a) a reward model trained on pairs of its samples learns the
 * preference; (b) PPO against that reward model raises the rate of such stories while the KL to the
 * frozen reference stays bounded and the reference never changes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PreferenceLearningTest {
    static final Pattern PREFERRED = Pattern.compile("\\bboy\\b", Pattern.CASE_INSENSITIVE);
    static final int MAX_NEW = 40;

    static NDManager manager;
    static Llama2cTokenizer tokenizer;
    static RewardModel rewardModel;
    static RewardEvaluator.Metrics heldOut;

    static boolean preferred(String text) {
        return PREFERRED.matcher(text).find();
    }

    @BeforeAll
    static void trainRewardModel() {
        manager = NDManager.newBaseManager();
        tokenizer = Stories260K.tokenizer();
        LlamaModel base = Stories260K.model(manager);
        List<Generation> samples = new Sampler(base, tokenizer)
                .generate(Collections.nCopies(112, ""), 8, new SamplingParams(1f, 1f, 0, MAX_NEW, 1));
        base.close();
        // split samples (not pairs) so that no response is on both sides
        List<Generation> train = samples.subList(0, 640);
        List<Generation> test = samples.subList(640, samples.size());
        List<EncodedPair> trainPairs = pairs(train, new Random(1), "train");
        List<EncodedPair> testPairs = pairs(test, new Random(2), "test");

        rewardModel = new RewardModel(Stories260K.model(manager));
        rewardModel.model().setTrainable(true);
        Random random = new Random(3);
        try (AdamW adam = AdamW.withLearningRate(rewardModel.model().parameters(), manager, 1e-3)) {
            BradleyTerryStep step = new BradleyTerryStep(rewardModel, adam);
            for (int i = 0; i < 120; i++) {
                List<EncodedPair> batch = new ArrayList<>();
                for (int j = 0; j < 16; j++) {
                    batch.add(trainPairs.get(random.nextInt(trainPairs.size())));
                }
                step.step(batch);
            }
        }
        rewardModel.model().setTrainable(false);
        heldOut = RewardEvaluator.evaluate(rewardModel, testPairs, 32);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Each sample that mentions the word against up to three that do not. */
    static List<EncodedPair> pairs(List<Generation> samples, Random random, String tag) {
        List<Generation> yes = new ArrayList<>();
        List<Generation> no = new ArrayList<>();
        for (Generation g : samples) {
            (preferred(g.text()) ? yes : no).add(g);
        }
        List<EncodedPair> out = new ArrayList<>();
        for (int i = 0; i < yes.size(); i++) {
            for (int j = 0; j < 3; j++) {
                Generation n = no.get(random.nextInt(no.size()));
                out.add(EncodedPair.of(tag + i + "-" + j, yes.get(i).promptTokens(), yes.get(i).tokens(), n.tokens()));
            }
        }
        return out;
    }

    @Test
    @Order(1)
    void rewardModelLearnsTheProgrammaticPreference() {
        System.out.printf("reward model held-out accuracy %.3f on %d pairs [%.3f, %.3f]%n",
                heldOut.accuracy(), heldOut.pairs(), heldOut.lower95(), heldOut.upper95());
        assertTrue(heldOut.pairs() >= 90, "enough held-out pairs: " + heldOut.pairs());
        assertTrue(heldOut.accuracy() >= 0.90, "held-out accuracy " + heldOut.accuracy());
    }

    @Test
    @Order(2)
    void ppoRaisesThePreferredRateWithBoundedKlAndAFrozenReference() {
        LlamaModel policy = Stories260K.model(manager);
        LlamaModel reference = policy.copy(manager);
        Map<String, float[]> referenceBefore = snapshot(reference);
        PpoConfig config = PpoConfig.defaults().withKl(0.05, 0).withLearningRate(3e-4).withEpochs(2, 32);
        PpoStep.prepare(policy, config);
        double before = rate(policy, 100);
        double kl = 0;
        double exactKl = 0;
        try (AdamW adam = AdamW.withLearningRate(policy.parameters(), manager, config.learningRate())) {
            PpoStep ppo = new PpoStep(policy, reference, adam, config);
            Sampler sampler = new Sampler(policy, tokenizer);
            for (int iteration = 0; iteration < 12; iteration++) {
                List<Generation> gens = sampler.generate(Collections.nCopies(16, ""), 4,
                        new SamplingParams(1f, 1f, 0, MAX_NEW, 1000 + iteration));
                List<int[]> prompts = new ArrayList<>();
                List<int[]> responses = new ArrayList<>();
                for (Generation g : gens) {
                    prompts.add(g.promptTokens());
                    responses.add(g.tokens());
                }
                float[] scores = rewardModel.score(prompts, responses, 64);
                List<ScoredRollout> batch = new ArrayList<>();
                for (int i = 0; i < gens.size(); i++) {
                    Generation g = gens.get(i);
                    batch.add(new ScoredRollout("p" + iteration + "-" + g.promptIndex(), g.promptTokens(), g.tokens(),
                            g.logprobs(), scores[i], 0));
                }
                PpoStep.Result r = ppo.step(batch);
                kl = r.get("objective/kl");
                exactKl = r.get("objective/kl_exact");
                if (iteration == 0) {
                    // the first step measures before any update: policy and reference are the same model
                    assertEquals(0.0, exactKl, 1e-4, "exact KL of a policy to its own copy");
                }
                assertTrue(exactKl >= 0, "exact KL is never negative: " + exactKl);
                if (iteration % 3 == 0) {
                    System.out.printf("ppo %d score %.3f kl %.3f clipfrac %.3f entropy %.3f%n", iteration,
                            r.get("objective/scores"), kl, r.get("policy/clipfrac"), r.get("objective/entropy"));
                }
            }
        }
        policy.setTrainable(false);
        double after = rate(policy, 101);
        System.out.printf("preferred rate %.3f → %.3f, final KL %.3f (exact %.3f)%n", before, after, kl, exactKl);
        assertTrue(after - before >= 0.30, "rate " + before + " → " + after);
        assertTrue(kl < 12.0, "mean KL per sequence " + kl + " stays under 12 nats (0.3 per token)");
        assertTrue(exactKl > 0.01 && exactKl < 12.0, "exact KL per sequence " + exactKl + " moved but stays under 12 nats");
        Map<String, float[]> referenceAfter = snapshot(reference);
        for (String name : referenceBefore.keySet()) {
            assertArrayEquals(referenceBefore.get(name), referenceAfter.get(name), name + " of the reference changed");
        }
    }

    static double rate(LlamaModel policy, long seed) {
        List<Generation> gens = new Sampler(policy, tokenizer)
                .generate(Collections.nCopies(32, ""), 8, new SamplingParams(1f, 1f, 0, MAX_NEW, seed));
        int hits = 0;
        for (Generation g : gens) {
            hits += preferred(g.text()) ? 1 : 0;
        }
        return hits / (double) gens.size();
    }

    static Map<String, float[]> snapshot(LlamaModel model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.weights().entrySet()) {
            out.put(e.getKey(), e.getValue().toFloatArray());
        }
        return out;
    }
}
