package dev.feedloop.ml.preference;

import java.util.Objects;

/**
 * One training pair for the Bradley-Terry loss.
 *
 * @param groupId  the feedback item it came from; the loss averages over groups
 * @param prompt   the shared prompt text
 * @param chosen   text of the preferred response (for a soft-labelled tie: the first of the two)
 * @param rejected text of the other response
 * @param weight   w, 1/C(K,2) for a group over K responses
 * @param margin   m ≥ 0 the chosen reward should exceed the rejected one by (0 = none)
 * @param label    y: 1 = chosen preferred, 0.5 = tie
 */
public record Comparison(String groupId, String prompt, String chosen, String rejected,
                         double weight, double margin, double label) {
    public Comparison {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(chosen, "chosen");
        Objects.requireNonNull(rejected, "rejected");
        if (!(weight > 0 && weight <= 1)) throw new IllegalArgumentException("weight " + weight + " is outside (0, 1]");
        if (!(margin >= 0)) throw new IllegalArgumentException("margin " + margin + " is negative");
        if (!(label >= 0 && label <= 1)) throw new IllegalArgumentException("label " + label + " is outside [0, 1]");
    }

    /** A hard pair of weight 1: chosen ≻ rejected. */
    public static Comparison of(String groupId, String prompt, String chosen, String rejected) {
        return new Comparison(groupId, prompt, chosen, rejected, 1.0, 0.0, 1.0);
    }

    /** True for a soft-labelled tie. */
    public boolean isTie() {
        return label == 0.5;
    }
}
