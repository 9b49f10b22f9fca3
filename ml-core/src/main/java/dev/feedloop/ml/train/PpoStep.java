package dev.feedloop.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.feedloop.ml.loss.AdaptiveKlController;
import dev.feedloop.ml.loss.Entropy;
import dev.feedloop.ml.loss.FixedKlController;
import dev.feedloop.ml.loss.Gae;
import dev.feedloop.ml.loss.KlController;
import dev.feedloop.ml.loss.Ppo;
import dev.feedloop.ml.loss.Whiten;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.model.TokenBatch;
import dev.feedloop.ml.sampling.LogProbScorer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One policy-optimisation step on a batch of scored rollouts, InstructGPT style: the reward of a
 * response is its reward-model score at the last token minus β·KL(π ‖ π_ref) per token; advantages
 * by GAE over a value head (PPO) or by a leave-one-out group baseline (RLOO); the clipped surrogate
 * takes its ratio against the behaviour log-probs recorded at sampling time, so rollouts from a
 * sampler one version behind are corrected, not mistaken for on-policy data.
 *
 * <p>Dimensions: B rollouts, R longest response, C width, V vocabulary.
 *
 * <p>Metrics use TRL's names: objective/kl, objective/entropy, objective/scores, policy/clipfrac,
 * policy/approxkl, loss/policy, loss/value, val/ratio, val/clipfrac, env/reward_mean,
 * env/reward_std, response_length, plus objective/kl_coef and ppo/skipped_minibatches.
 * objective/kl is TRL's: the mean over sequences of Σ_t (log π − log π_ref) on the sampled tokens,
 * unbiased only when the sampler is the current policy; when it is a version behind (the online
 * loop) it can go negative. objective/kl_exact is the mean over sequences of Σ_t of the exact KL
 * between the two next-token distributions at each response position: never negative, whoever
 * sampled, and what the loop bounds.
 */
public final class PpoStep {
    private final LlamaModel policy;
    private final LlamaModel reference;
    private final AdamW optimizer;
    private final PpoConfig config;
    private final KlController kl;
    private final Random shuffle;
    private long skippedMinibatches;

    /** @param metrics plain numbers by TRL name; applied = at least one minibatch was applied */
    public record Result(Map<String, Double> metrics, boolean applied) {
        public double get(String name) {
            return metrics.getOrDefault(name, Double.NaN);
        }
    }

    /**
     * @param policy    trainable; gets a value head if it has none (PPO)
     * @param reference the frozen reference policy: never trained, never updated
     */
    public PpoStep(LlamaModel policy, LlamaModel reference, AdamW optimizer, PpoConfig config) {
        if (policy == reference) {
            throw new IllegalArgumentException("the reference must be a separate frozen copy of the policy");
        }
        this.policy = policy;
        this.reference = reference;
        this.optimizer = optimizer;
        this.config = config;
        this.kl = config.klTarget() > 0
                ? new AdaptiveKlController(config.klCoefficient(), config.klTarget(), config.klHorizon())
                : new FixedKlController(config.klCoefficient());
        this.shuffle = new Random(config.seed());
        reference.setTrainable(false);
    }

    /** Builds a policy ready for PPO: value head added before the optimiser sees the parameters. */
    public static void prepare(LlamaModel policy, PpoConfig config) {
        if (config.estimator() == PpoConfig.Estimator.PPO) {
            policy.addValueHead();
        }
        policy.setTrainable(true);
    }

    public long skippedMinibatches() {
        return skippedMinibatches;
    }

    public double klCoefficient() {
        return kl.value();
    }

    public Result step(List<ScoredRollout> rollouts) {
        int b = rollouts.size();
        if (b == 0) {
            throw new IllegalArgumentException("a PPO step needs at least one rollout");
        }
        boolean usesValues = config.estimator() == PpoConfig.Estimator.PPO;
        if (usesValues && !policy.hasValueHead()) {
            throw new IllegalStateException("PPO needs a value head: call PpoStep.prepare(policy, config) first");
        }
        // 1. log-probs of the current policy and the reference, and old values: no gradient
        float[][] logp = new float[b][];
        float[][] refLogp = new float[b][];
        float[][] oldValues = new float[b][];
        double[] exactKl = new double[b];
        rolloutForward(rollouts, logp, refLogp, usesValues ? oldValues : null, exactKl);

        // 2. rewards: −β·KL per token (k1 on the sampled tokens), plus the score at the last token
        double beta = kl.value();
        int[] lengths = new int[b];
        int width = 0;
        for (int i = 0; i < b; i++) {
            lengths[i] = rollouts.get(i).response().length;
            width = Math.max(width, lengths[i]);
        }
        float[][] rewards = new float[b][width];
        float[][] values = new float[b][width];
        double klSum = 0;
        double[] seqKl = new double[b];
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                double k1 = logp[i][t] - refLogp[i][t];
                seqKl[i] += k1;
                rewards[i][t] = (float) (-beta * k1);
                if (usesValues) {
                    values[i][t] = oldValues[i][t];
                }
            }
            rewards[i][lengths[i] - 1] += rollouts.get(i).score();
            klSum += seqKl[i];
        }
        double meanKl = klSum / b;

        // 3. advantages: GAE over the value head, or RLOO's leave-one-out baseline on the whole return
        float[][] advantages;
        float[][] returns;
        if (usesValues) {
            Gae.Result gae = Gae.compute(rewards, values, lengths, config.gamma(), config.lambda());
            advantages = gae.advantages();
            returns = gae.returns();
        } else {
            advantages = looAdvantages(rollouts, seqKl, beta, lengths, width);
            returns = null;
        }
        float[][] mask = Whiten.lengthMask(lengths, width);
        if (config.whitenAdvantages() && b > 1) {
            advantages = Whiten.whiten(advantages, mask, true);
        }

        // 4. clipped-surrogate updates over shuffled minibatches
        Map<String, Double> sums = new HashMap<>();
        int applied = 0;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < b; i++) {
                order.add(i);
            }
            java.util.Collections.shuffle(order, shuffle);
            for (int start = 0; start < b; start += config.minibatchSize()) {
                List<Integer> idx = order.subList(start, Math.min(b, start + config.minibatchSize()));
                if (minibatch(rollouts, idx, advantages, returns, usesValues ? oldValues : null, sums)) {
                    applied++;
                } else {
                    skippedMinibatches++;
                }
            }
        }
        kl.update(meanKl, b);

        // 5. metrics as plain doubles
        Map<String, Double> m = new LinkedHashMap<>();
        double scoreMean = 0;
        for (ScoredRollout r : rollouts) {
            scoreMean += r.score();
        }
        scoreMean /= b;
        double scoreVar = 0;
        double length = 0;
        for (ScoredRollout r : rollouts) {
            scoreVar += (r.score() - scoreMean) * (r.score() - scoreMean);
            length += r.response().length;
        }
        m.put("objective/kl", meanKl);
        m.put("objective/kl_exact", java.util.Arrays.stream(exactKl).average().orElse(Double.NaN));
        m.put("objective/kl_coef", beta);
        m.put("objective/scores", scoreMean);
        m.put("objective/non_score_reward", -beta * meanKl);
        m.put("env/reward_mean", scoreMean);
        m.put("env/reward_std", Math.sqrt(scoreVar / b));
        m.put("response_length", length / b);
        for (Map.Entry<String, Double> e : sums.entrySet()) {
            m.put(e.getKey(), applied == 0 ? Double.NaN : e.getValue() / applied);
        }
        m.put("ppo/applied_minibatches", (double) applied);
        m.put("ppo/skipped_minibatches", (double) skippedMinibatches);
        return new Result(m, applied > 0);
    }

    /** One gradient step; false when the loss was not finite and nothing was applied. */
    private boolean minibatch(List<ScoredRollout> rollouts, List<Integer> idx, float[][] advantages,
            float[][] returns, float[][] oldValues, Map<String, Double> sums) {
        int n = idx.size();
        int[][] prompts = new int[n][];
        int[][] responses = new int[n][];
        int width = 0;
        for (int j = 0; j < n; j++) {
            ScoredRollout r = rollouts.get(idx.get(j));
            prompts[j] = r.prompt();
            responses[j] = r.response();
            width = Math.max(width, r.response().length);
        }
        Shape shape = new Shape(n, width);
        try (NDManager step = policy.manager().newSubManager()) {
            NDArray behaviour = step.create(gatherRows(rollouts, idx, width, true, null), shape); // (n, R)
            NDArray adv = step.create(gatherRows(null, idx, width, false, advantages), shape); // (n, R)
            Ppo.PolicyResult pg;
            Ppo.ValueResult vf = null;
            double entropy;
            double total;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                TokenBatch batch = TokenBatch.promptResponse(step, prompts, responses);
                LogProbScorer.ResponseForward f = LogProbScorer.forward(policy, batch, config.temperature());
                pg = Ppo.clippedPolicyLoss(f.logprobs(), behaviour, adv, f.mask(), config.clipEpsilon());
                NDArray loss = pg.loss();
                if (oldValues != null) {
                    NDArray v = policy.value(f.hidden()).mul(f.mask()); // (n, R)
                    NDArray ret = step.create(gatherRows(null, idx, width, false, returns), shape);
                    NDArray old = step.create(gatherRows(null, idx, width, false, oldValues), shape);
                    vf = Ppo.clippedValueLoss(v, old, ret, f.mask(), config.valueClip());
                    loss = loss.add(vf.loss().mul(step.full(new Shape(), (float) config.valueCoefficient(),
                            DataType.FLOAT32)));
                }
                try (NDManager diag = step.newSubManager()) {
                    NDArray logits = f.logits().stopGradient();
                    entropy = Entropy.maskedMean(logits, f.mask().stopGradient()).getFloat();
                }
                total = loss.getFloat();
                if (!Double.isFinite(total)) {
                    System.getLogger(PpoStep.class.getName()).log(System.Logger.Level.WARNING,
                            "PPO minibatch skipped: loss {0}", total);
                    optimizer.zeroGradients();
                    return false;
                }
                collector.backward(loss);
            }
            optimizer.step();
            sums.merge("loss/policy", (double) pg.loss().getFloat(), Double::sum);
            sums.merge("loss/total", total, Double::sum);
            sums.merge("policy/clipfrac", pg.clipFrac(), Double::sum);
            sums.merge("policy/approxkl", pg.approxKl(), Double::sum);
            sums.merge("val/ratio", pg.ratioMean(), Double::sum);
            sums.merge("objective/entropy", entropy, Double::sum);
            if (vf != null) {
                sums.merge("loss/value", (double) vf.loss().getFloat(), Double::sum);
                sums.merge("val/clipfrac", vf.clipFrac(), Double::sum);
            }
            return true;
        }
    }

    private void rolloutForward(List<ScoredRollout> rollouts, float[][] logp, float[][] refLogp, float[][] values,
                                double[] exactKl) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            int chunk = Math.max(1, config.minibatchSize());
            for (int start = 0; start < rollouts.size(); start += chunk) {
                int end = Math.min(rollouts.size(), start + chunk);
                int n = end - start;
                int[][] prompts = new int[n][];
                int[][] responses = new int[n][];
                for (int j = 0; j < n; j++) {
                    prompts[j] = rollouts.get(start + j).prompt();
                    responses[j] = rollouts.get(start + j).response();
                }
                try (NDManager step = policy.manager().newSubManager()) {
                    TokenBatch batch = TokenBatch.promptResponse(step, prompts, responses);
                    LogProbScorer.ResponseForward f = LogProbScorer.forward(policy, batch, config.temperature());
                    float[] lp = f.logprobs().toFloatArray();
                    float[] v = values == null ? null : policy.value(f.hidden()).toFloatArray();
                    int r = batch.maxResponseLength();
                    float[] ref;
                    float[] exact;
                    try (NDManager refStep = reference.manager().newSubManager()) {
                        TokenBatch refBatch = TokenBatch.promptResponse(refStep, prompts, responses);
                        LogProbScorer.ResponseForward rf = LogProbScorer.forward(reference, refBatch, config.temperature());
                        ref = rf.logprobs().toFloatArray();
                        // exact KL(π ‖ π_ref) of the next-token distributions at every response position:
                        // Σ_v π(v) (log π(v) − log π_ref(v)), ≥ 0 whoever sampled the tokens
                        NDArray policyLog = f.logits().logSoftmax(-1);              // (B, R, V)
                        NDArray refLog = rf.logits().logSoftmax(-1);                // (B, R, V)
                        exact = policyLog.exp().mul(policyLog.sub(refLog)).sum(new int[] {-1})
                                .mul(f.mask()).toFloatArray();                      // (B, R)
                    }
                    for (int j = 0; j < n; j++) {
                        int len = responses[j].length;
                        logp[start + j] = java.util.Arrays.copyOfRange(lp, j * r, j * r + len);
                        refLogp[start + j] = java.util.Arrays.copyOfRange(ref, j * r, j * r + len);
                        double seq = 0;
                        for (int t = 0; t < len; t++) {
                            seq += Math.max(0f, exact[j * r + t]);
                        }
                        exactKl[start + j] = seq;
                        if (values != null) {
                            values[start + j] = java.util.Arrays.copyOfRange(v, j * r, j * r + len);
                        }
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * RLOO (Ahmadian et al. 2024): the return of a response is score − β·KL of the whole sequence;
     * its advantage is that return minus the mean return of the other responses to the same prompt,
     * spread over every token. A prompt with one response in the batch uses the batch mean instead.
     */
    private static float[][] looAdvantages(List<ScoredRollout> rollouts, double[] seqKl, double beta, int[] lengths,
            int width) {
        int b = rollouts.size();
        double[] ret = new double[b];
        Map<String, double[]> groups = new HashMap<>(); // sum, count
        double all = 0;
        for (int i = 0; i < b; i++) {
            ret[i] = rollouts.get(i).score() - beta * seqKl[i];
            groups.computeIfAbsent(rollouts.get(i).groupId(), k -> new double[2]);
            double[] g = groups.get(rollouts.get(i).groupId());
            g[0] += ret[i];
            g[1] += 1;
            all += ret[i];
        }
        float[][] adv = new float[b][width];
        for (int i = 0; i < b; i++) {
            double[] g = groups.get(rollouts.get(i).groupId());
            double baseline = g[1] > 1 ? (g[0] - ret[i]) / (g[1] - 1) : (b > 1 ? (all - ret[i]) / (b - 1) : 0);
            for (int t = 0; t < lengths[i]; t++) {
                adv[i][t] = (float) (ret[i] - baseline);
            }
        }
        return adv;
    }

    private static float[] gatherRows(List<ScoredRollout> rollouts, List<Integer> idx, int width, boolean behaviour,
            float[][] source) {
        float[] out = new float[idx.size() * width];
        for (int j = 0; j < idx.size(); j++) {
            float[] row = behaviour ? rollouts.get(idx.get(j)).behaviourLogprobs() : source[idx.get(j)];
            System.arraycopy(row, 0, out, j * width, Math.min(row.length, width));
        }
        return out;
    }
}
