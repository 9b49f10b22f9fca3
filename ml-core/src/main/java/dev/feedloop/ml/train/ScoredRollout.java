package dev.feedloop.ml.train;

/**
 * One sampled response with what PPO needs: the exact model input, the sampled tokens, the
 * behaviour log-probs recorded when it was sampled, and its reward-model score.
 *
 * @param groupId           responses to the same prompt share it (RLOO's leave-one-out baseline)
 * @param prompt            BOS + prompt tokens as fed to the sampler
 * @param response          sampled tokens (EOS included when sampling stopped on it); at least one
 * @param behaviourLogprobs log-probs of the response tokens under the sampling policy (same length)
 * @param score             reward-model score of the whole response
 * @param policyVersion     the policy version that sampled it
 */
public record ScoredRollout(String groupId, int[] prompt, int[] response, float[] behaviourLogprobs, float score,
        long policyVersion) {

    public ScoredRollout {
        if (response.length == 0) {
            throw new IllegalArgumentException("rollout " + groupId + " has an empty response; it needs at least one token");
        }
        if (behaviourLogprobs.length != response.length) {
            throw new IllegalArgumentException("rollout " + groupId + " has " + response.length + " tokens but "
                    + behaviourLogprobs.length + " behaviour log-probs");
        }
    }
}
