package dev.feedloop.trainer.policy;

import dev.feedloop.trainer.lineage.PartitionKey;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a restart resumes from, read from the latest checkpoint's manifest (or the base's defaults).
 *
 * @param version            the policy version of the checkpoint (0 = the base model)
 * @param resumePositions    next offset to read per partition of the rewards topic
 * @param klCoefficient      β of the KL controller when the checkpoint was written; NaN at the base
 * @param rewardModelVersion reward model of the newest rollout trained on; -1 at the base
 * @param publishedEvent     the {@code PolicyPublished} to (re)publish for this version, without
 *                           checkpoint_uri and sha256; empty at the base
 */
public record TrainerState(long version, Map<PartitionKey, Long> resumePositions, double klCoefficient,
        long rewardModelVersion, byte[] publishedEvent) {

    public TrainerState {
        resumePositions = new TreeMap<>(resumePositions);
    }

    public static TrainerState base() {
        return new TrainerState(0, Map.of(), Double.NaN, -1, new byte[0]);
    }
}
