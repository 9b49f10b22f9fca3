package dev.feedloop.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The loop test's bounds. It runs {@code feedloop run} with its defaults: what a user gets. */
final class E2eSettings {
    /**
     * Mean KL to the reference (exact next-token KL summed over a response, nats) that every version
     * must stay under: 12 nats is 0.25 per token of a 48-token response, the bound ml-core's PPO
     * learning test holds too.
     */
    static final double KL_BOUND = 12.0;
    /** Scored rollouts the trainer takes in after version 1 before it is killed: it dies mid-batch. */
    static final long SCORED_BEFORE_KILL = 6;

    private E2eSettings() {}

    /** Service name → extra -D properties: none, the defaults of {@code feedloop run}. */
    static Map<String, Map<String, String>> serviceProperties() {
        return new LinkedHashMap<>();
    }
}
