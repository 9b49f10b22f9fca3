package dev.feedloop.trainer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Every {@code feedloop.trainer.*} key. Paths are resolved against the working directory (the
 * repository root in {@code feedloop run}). Bad values fail start-up naming the key.
 */
@ConfigMapping(prefix = "feedloop.trainer")
public interface TrainerConfig {

    /** Base policy and frozen KL reference: a llama2.c {@code .bin} file or a Feedloop checkpoint directory. Default {@code data/models/stories260K/stories260K.bin}. */
    @WithDefault("data/models/stories260K/stories260K.bin")
    String baseModel();

    /** Tokenizer of a llama2.c base model, copied into every checkpoint. Default {@code data/models/stories260K/tok512.bin}. */
    @WithDefault("data/models/stories260K/tok512.bin")
    String baseTokenizer();

    /** Where policy versions are written ({@code v000001/}, …) and resumed from. Default {@code .run/policies}. */
    @WithDefault(".run/policies")
    String checkpointDir();

    /** {@code ppo} (GAE over a value head) or {@code rloo} (leave-one-out baseline over each rollout's K responses). Default ppo. */
    @WithDefault("ppo")
    String algorithm();

    /** Rollouts (RolloutScored events, K responses each) per training step, ≥ 1. Default 8 rollouts. */
    @WithDefault("8")
    int batchSize();

    /**
     * Training steps per published policy version, ≥ 1. Default 12 steps: 96 rollouts a version,
     * which in {@code feedloop run} on 2 shared cores (2–5 scored rollouts/s; a step of 8 rollouts of
     * 4 × 48 tokens takes 0.5–1 s on one thread) is a version every 20–50 s.
     */
    @WithDefault("12")
    int stepsPerVersion();

    /** Rollouts sampled more than this many versions before the trainer's newest are dropped (counted), ≥ 0. Default 3 versions. */
    @WithDefault("3")
    long maxPolicyLag();

    /** Consumed records waiting for the training thread; a full queue pauses the consumer. Default 256 records. */
    @WithDefault("256")
    int queueCapacity();

    /** PyTorch intra-op threads; 1 because the services of {@code feedloop run} share 2 cores (STACK-NOTES pitfall 10). Default 1. */
    @WithDefault("1")
    int intraOpThreads();

    /** Readiness: how long the broker may take to answer {@code describeCluster}. Default 2s. */
    @WithDefault("2s")
    Duration readinessKafkaTimeout();

    /** Topics; overridable so that tests and parallel experiments can use their own. */
    Topics topics();

    /** Policy-optimisation hyperparameters. */
    Ppo ppo();

    interface Topics {
        /** Scored rollouts in. Default {@code feedloop.rewards.v1}. */
        @WithDefault("feedloop.rewards.v1")
        String rewards();

        /** Dead letters of the rewards topic. Default {@code feedloop.rewards.v1.dlq}. */
        @WithDefault("feedloop.rewards.v1.dlq")
        String rewardsDlq();

        /** Policy versions out (compacted, key "policy"). Default {@code feedloop.policies.v1}. */
        @WithDefault("feedloop.policies.v1")
        String policies();
    }

    interface Ppo {
        /** AdamW learning rate. Default 3e-4. */
        @WithDefault("3e-4")
        double learningRate();

        /** Learning-rate warm-up after every start, in steps (Adam's moments start fresh; see README). Default 4 steps. */
        @WithDefault("4")
        int warmupSteps();

        /** Passes over each batch. Default 2 epochs. */
        @WithDefault("2")
        int epochs();

        /** Responses per gradient step. Default 16 responses. */
        @WithDefault("16")
        int minibatchSize();

        /** ε of the clipped surrogate. Default 0.2. */
        @WithDefault("0.2")
        double clipEpsilon();

        /** β of the per-token KL penalty to the base policy (the initial β when adaptive). Default 0.05. */
        @WithDefault("0.05")
        double klCoefficient();

        /** Target KL per sequence of the adaptive controller; 0 = fixed β. Default 0. */
        @WithDefault("0")
        double klTarget();

        /** Adaptive controller horizon, in sequences. Default 10000. */
        @WithDefault("10000")
        double klHorizon();

        /** Weight of the value loss. Default 0.1. */
        @WithDefault("0.1")
        double valueCoefficient();

        /** GAE discount. Default 1.0. */
        @WithDefault("1.0")
        double gamma();

        /** GAE λ. Default 0.95. */
        @WithDefault("0.95")
        double lambda();

        /** Temperature of the behaviour log-probs; rollouts sampled at another are dropped (counted). Default 1.0. */
        @WithDefault("1.0")
        float temperature();

        /** Minibatch shuffling seed. Default 0. */
        @WithDefault("0")
        long seed();
    }
}
