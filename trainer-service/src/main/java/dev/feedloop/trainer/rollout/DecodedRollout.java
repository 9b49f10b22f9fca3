package dev.feedloop.trainer.rollout;

import dev.feedloop.ml.train.ScoredRollout;
import java.util.List;

/**
 * One {@code RolloutScored} made ready for a training step: its K responses as {@link ScoredRollout}s
 * sharing the rollout id as group (RLOO's baseline).
 *
 * @param rolloutId          the rollout's id
 * @param policyVersion      the policy version that sampled it (staleness)
 * @param rewardModelVersion the reward model that scored it
 * @param logProbTemperature the temperature its behaviour log-probs were computed at (1 for greedy)
 * @param responses          one per response, in the rollout's order
 */
public record DecodedRollout(String rolloutId, long policyVersion, long rewardModelVersion, float logProbTemperature,
        List<ScoredRollout> responses) {

    public DecodedRollout {
        responses = List.copyOf(responses);
    }
}
