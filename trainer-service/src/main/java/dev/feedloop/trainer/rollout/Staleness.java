package dev.feedloop.trainer.rollout;

/**
 * Bounded staleness: a rollout sampled by policy version v is trained on while the trainer's
 * newest version is at most {@code maxPolicyLag} ahead of v. PPO's ratio against the recorded
 * behaviour log-probs corrects a small lag; beyond it the clipped surrogate mostly clips and the
 * rollout teaches little but costs a step.
 *
 * <p>Worked values with lag 2: trainer at version 5 keeps rollouts of versions 3, 4, 5 (and any
 * newer one, e.g. after a checkpoint directory was wiped) and drops 2 and older.
 */
public record Staleness(long maxPolicyLag) {

    public Staleness {
        if (maxPolicyLag < 0) {
            throw new IllegalArgumentException("max-policy-lag " + maxPolicyLag + " must be >= 0");
        }
    }

    /** How many versions {@code rolloutVersion} is behind {@code currentVersion} (0 when not behind). */
    public long lag(long rolloutVersion, long currentVersion) {
        return Math.max(0, currentVersion - rolloutVersion);
    }

    public boolean isStale(long rolloutVersion, long currentVersion) {
        return lag(rolloutVersion, currentVersion) > maxPolicyLag;
    }
}
