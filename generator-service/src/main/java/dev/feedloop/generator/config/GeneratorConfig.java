package dev.feedloop.generator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Every {@code feedloop.generator.*} key. Paths are resolved against the working directory.
 * Bad values fail start-up naming the key (see {@code GeneratorStartup}).
 */
@ConfigMapping(prefix = "feedloop.generator")
public interface GeneratorConfig {

    /** Base policy (version 0): a llama2.c {@code .bin} file or a Feedloop checkpoint directory. Default {@code data/models/stories260K/stories260K.bin}. */
    @WithDefault("data/models/stories260K/stories260K.bin")
    String baseModel();

    /** Tokenizer of a llama2.c base model and of llama2.c policy files (a checkpoint directory brings its own). Default {@code data/models/stories260K/tok512.bin}. */
    @WithDefault("data/models/stories260K/tok512.bin")
    String baseTokenizer();

    /** K, responses per prompt when the event does not say; 1…64. Default 4. */
    @WithDefault("4")
    int samplesPerPrompt();

    /** Sampling defaults, used for every field a request leaves at zero. */
    Sampling sampling();

    /** Prompt batching for the Kafka path. */
    Batch batch();

    /** Longest prompt accepted, in characters (gRPC: INVALID_ARGUMENT; Kafka: dead letter). Default 4000. */
    @WithDefault("4000")
    int maxPromptChars();

    /** PyTorch intra-op threads ({@code ai.djl.pytorch.num_threads}); 1 because several services share the cores. Default 1. */
    @WithDefault("1")
    int intraOpThreads();

    /** Readiness: how long the broker may take to answer {@code describeCluster}. Default 2s. */
    @WithDefault("2s")
    Duration readinessKafkaTimeout();

    interface Sampling {
        /** Softmax temperature, ≥ 0 (0 = greedy). Default 1.0. */
        @WithDefault("1.0")
        float temperature();

        /** Nucleus mass in (0, 1]; 1 = off. Default 1.0. */
        @WithDefault("1.0")
        float topP();

        /** Keep the k most likely tokens; 0 = off. Default 0. */
        @WithDefault("0")
        int topK();

        /** New tokens per response, ≥ 1 (and at most {@code max-new-tokens-limit}). Default 64 tokens. */
        @WithDefault("64")
        int maxNewTokens();

        /** Largest max_new_tokens a request may ask for. Default 256 tokens. */
        @WithDefault("256")
        int maxNewTokensLimit();
    }

    interface Batch {
        /** Most prompts sampled together in one batch (each contributes K sequences). Default 8 prompts. */
        @WithDefault("8")
        int maxSize();

        /** How long a batch waits for more prompts after its first one. Default 50ms. */
        @WithDefault("50ms")
        Duration maxWait();

        /** Prompts accepted but not yet sampled; a full queue blocks the consumer (back-pressure). Default 64 prompts. */
        @WithDefault("64")
        int queueCapacity();
    }
}
