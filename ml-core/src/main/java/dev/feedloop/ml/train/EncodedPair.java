package dev.feedloop.ml.train;

/**
 * A comparison ready for the reward model: token ids of the prompt (BOS first) and of the two
 * responses, and how much and how it counts.
 *
 * @param groupId  pairs from one ranking share a group (InstructGPT eq. 1)
 * @param prompt   BOS + prompt tokens, already truncated
 * @param chosen   response tokens of the preferred side
 * @param rejected response tokens of the other side
 * @param weight   1/C(K,2) for a ranking of K, 1 for a single comparison
 * @param margin   subtracted from r_c − r_r inside the loss (0 = none)
 * @param label    1 = chosen is better; 0.5 = a tie kept as a soft label
 */
public record EncodedPair(String groupId, int[] prompt, int[] chosen, int[] rejected, float weight, float margin,
        float label) {

    /** A plain hard-labelled pair in a group of its own. */
    public static EncodedPair of(String groupId, int[] prompt, int[] chosen, int[] rejected) {
        return new EncodedPair(groupId, prompt, chosen, rejected, 1f, 0f, 1f);
    }
}
