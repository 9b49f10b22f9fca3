package dev.feedloop.trainer.loop;

import dev.feedloop.trainer.lineage.PartitionKey;
import dev.feedloop.trainer.lineage.Range;
import java.util.List;
import java.util.Map;

/**
 * A policy version ready to be checkpointed and published.
 *
 * @param version            the new version (parent + 1)
 * @param parentVersion      the version it was trained from
 * @param lineage            every rewards-topic offset consumed for it, inclusive ranges
 * @param resumePositions    next offset per partition after it: stored in its checkpoint
 * @param rewardModelVersion the reward model of the newest rollout trained on
 * @param klCoefficient      β after its last step (resumed from on restart)
 * @param metrics            TRL-named means over its steps, plus reward/*, counts/*
 */
public record CompletedVersion(long version, long parentVersion, List<Range> lineage,
        Map<PartitionKey, Long> resumePositions, long rewardModelVersion, double klCoefficient,
        Map<String, Double> metrics) {
}
