package dev.feedloop.cli.run;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The loop's settings for reward-service and trainer-service in a local run (state under {@code .run/}). */
final class StackDefaults {
    private StackDefaults() {}

    static Map<String, String> reward(Path runDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("feedloop.reward.checkpoint-dir", runDir.resolve("reward-models").toString());
        // the loop's pairs are a story opening plus at most --max-new-tokens (48) tokens: 80 keeps them
        // whole, and the imported dialogues lose only the start of their prompts (left truncation),
        // which makes a step on 2 shared cores about a third cheaper than the default 128
        p.put("feedloop.reward.max-tokens", "80");
        return p;
    }

    static Map<String, String> trainer(Path runDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("feedloop.trainer.checkpoint-dir", runDir.resolve("policies").toString());
        return p;
    }
}
