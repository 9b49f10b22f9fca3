package dev.feedloop.reward.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Every {@code feedloop.reward.*} key. Paths are resolved against the working directory (the
 * repository root in {@code ./feedloop run}). Bad values fail start-up naming the key
 * ({@link RewardStartup}).
 */
@ConfigMapping(prefix = "feedloop.reward")
public interface RewardConfig {

    /** The policy the reward model's trunk starts from (InstructGPT initialises the RM from the SFT policy): a llama2.c {@code .bin}. Default {@code data/models/stories260K/stories260K.bin}. */
    @WithDefault("data/models/stories260K/stories260K.bin")
    String baseModel();

    /** Tokenizer of the base model; copied into every checkpoint. Default {@code data/models/stories260K/tok512.bin}. */
    @WithDefault("data/models/stories260K/tok512.bin")
    String baseTokenizer();

    /** Directory of the published checkpoints, one {@code v<version>} directory each. Default {@code .run/reward-models}. */
    @WithDefault(".run/reward-models")
    String checkpointDir();

    /** Tokens per (prompt, response) sequence, BOS and EOS included; longer ones are cut (prompt from the left first, see PairEncoder). Default 128 tokens. */
    @WithDefault("128")
    int maxTokens();

    /** Comparisons per training step: the new ones first, topped up from the replay buffer. Default 16 pairs. */
    @WithDefault("16")
    int batchSize();

    /** AdamW learning rate. Default 1e-3 (what ml-core's PreferenceLearningTest learns with on stories260K). */
    @WithDefault("1e-3")
    double learningRate();

    /**
     * Replay-only steps (whole comparison groups from the replay buffer) that each step on new
     * comparisons earns, taken between the model thread's other work (0 turns them off). Default 2.
     */
    @WithDefault("2")
    double replayRatio();

    /**
     * Factor on the loss weight of comparisons from imported datasets (source IMPORT), 0…1: a warm
     * start that must not outvote the loop's own feedback. Default 0.1.
     */
    @WithDefault("0.1")
    double importWeight();

    /** Evaluate (and maybe publish) after this many new comparisons have been trained on. Default 200 comparisons. */
    @WithDefault("200")
    int publishEvery();

    /** Fraction of prompts whose comparisons are held out (by SHA-256 of the prompt text), in [0, 1). Default 0.1. */
    @WithDefault("0.1")
    double heldoutFraction();

    /** Train comparisons kept for replay; the oldest feedback groups are dropped first. Default 20000 pairs. */
    @WithDefault("20000")
    int replayCapacity();

    /** Held-out comparisons kept for the gate; the oldest groups are dropped first. Default 2000 pairs. */
    @WithDefault("2000")
    int heldoutCapacity();

    /** Sequences per forward pass when evaluating or scoring. Default 32. */
    @WithDefault("32")
    int scoreBatchSize();

    /** Keep tied pairs as soft labels (0.5) instead of dropping them. Default false. */
    @WithDefault("false")
    boolean tiesAsSoftLabels();

    /** Seed of the replay sampling. Default 1. */
    @WithDefault("1")
    long seed();

    /**
     * Score rollouts with version 0 (the base trunk and an untrained, all-zero head: every reward
     * is 0) before the first version is published. Default false: rollouts wait, uncommitted,
     * until version 1 exists.
     */
    @WithDefault("false")
    boolean scoreBeforeFirstVersion();

    /** Rollouts taken from Kafka but not yet scored; a full queue pauses the scoring consumer. Default 256 rollouts. */
    @WithDefault("256")
    int scoringQueueCapacity();

    /** Feedback and rollout events waiting for the model thread; a full inbox blocks the consumers. Default 1024 events. */
    @WithDefault("1024")
    int inboxCapacity();

    /** PyTorch intra-op threads; 1 because the services of {@code feedloop run} share the cores (STACK-NOTES pitfall 10). Default 1. */
    @WithDefault("1")
    int intraOpThreads();

    /** Readiness: how long the broker may take to answer {@code describeCluster}. Default 2s. */
    @WithDefault("2s")
    Duration readinessKafkaTimeout();

    /** Publication gate. */
    Gate gate();

    /** The feedback/rollout join. */
    Join join();

    /** gRPC limits. */
    Grpc grpc();

    interface Gate {
        /** A candidate is published only if its held-out accuracy ≥ the published version's (on the same pairs) + this. Default 0.0 (must not fall). */
        @WithDefault("0.0")
        double minImprovement();

        /** No publication with fewer held-out pairs than this. Default 50 pairs. */
        @WithDefault("50")
        int minHeldoutPairs();

        /**
         * Publish no version before the loop's own (not imported) held-out feedback reaches
         * {@code min-heldout-pairs}: imported data trains the model meanwhile, but does not decide
         * what the trainer optimises. Default true.
         */
        @WithDefault("true")
        boolean liveFeedbackFirst();
    }

    interface Join {
        /** Rollouts remembered for joining (oldest forgotten first). Default 200000 rollouts. */
        @WithDefault("200000")
        int maxRollouts();

        /** Feedback waiting for its rollout; when full the oldest is dropped and counted. Default 10000 events. */
        @WithDefault("10000")
        int maxPendingFeedback();

        /** Feedback event ids remembered for deduplication (oldest forgotten first). Default 1000000 ids. */
        @WithDefault("1000000")
        int dedupCapacity();
    }

    interface Grpc {
        /** Most items in one ScoreBatch. Default 256 items. */
        @WithDefault("256")
        int maxItems();

        /** Longest prompt or response text of an item, in characters. Default 8000. */
        @WithDefault("8000")
        int maxTextChars();
    }
}
