package dev.feedloop.ml.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * Bradley-Terry pairwise loss of a reward model over groups of comparisons (InstructGPT, Ouyang
 * et al. 2022, eq. 1: loss(θ) = −1/C(K,2) · E[log σ(r(x, y_w) − r(x, y_l))]).
 *
 * <p>Dimensions: N pairs, G groups (a group is one feedback item, e.g. one ranking of K
 * responses; its pairs carry weight 1/C(K,2)).
 *
 * <p>Per pair i, with Δ_i = r_c,i − r_r,i − m_i and soft label y_i (1 = chosen preferred,
 * 0.5 = tie):
 * <pre>
 *   ℓ_i = −[ y_i · log σ(Δ_i) + (1 − y_i) · log σ(−Δ_i) ]
 *       =    y_i · softplus(−Δ_i) + (1 − y_i) · softplus(Δ_i)        (stable form)
 *   loss = (1/G) · Σ_i w_i · ℓ_i
 * </pre>
 * Since every pair belongs to exactly one group, Σ_i w_i ℓ_i / G is the mean over groups of each
 * group's weighted sum: a fully ordered ranking counts as much as one pair from elsewhere whatever
 * its K, as in InstructGPT. With unit weights and G = N it is the plain mean over pairs. The margin
 * m (Llama 2, eq. 2) asks the chosen reward to exceed the rejected one by at least m.
 */
public final class BradleyTerry {

    private BradleyTerry() {}

    /**
     * The loss and its diagnostics.
     *
     * @param loss       scalar, differentiable w.r.t. the rewards
     * @param accuracy   fraction of hard-labelled pairs (y ≠ 0.5) ordered as labelled by the
     *                   rewards, a reward tie counting 0.5; NaN when there is none
     * @param meanMargin mean reward gap, labelled winner minus loser (r_c − r_r when y = 1; m not
     *                   subtracted), over the hard-labelled pairs: TRL's {@code rewards/margins};
     *                   NaN when there is none
     * @param pairs      N
     */
    public record Result(NDArray loss, double accuracy, double meanMargin, int pairs) {}

    /** Unit weights, no margin, hard labels, one group per pair: the mean of −log σ(r_c − r_r). */
    public static Result loss(NDArray chosen, NDArray rejected) {
        return groupLoss(chosen, rejected, null, null, null, Math.toIntExact(chosen.size()));
    }

    /**
     * The group loss above.
     *
     * @param chosen    r_c (N), rewards of the chosen responses
     * @param rejected  r_r (N)
     * @param weight    w (N), or null for 1
     * @param margin    m (N), or null for 0
     * @param label     y (N) in [0, 1], or null for 1
     * @param numGroups G ≥ 1, the number of distinct groups the N pairs come from
     */
    public static Result groupLoss(NDArray chosen, NDArray rejected, NDArray weight, NDArray margin,
                                   NDArray label, int numGroups) {
        Tensors.requireSameShape("chosen", chosen, "rejected", rejected);
        if (chosen.getShape().dimension() != 1) {
            throw new IllegalArgumentException("rewards must be (N), got " + chosen.getShape());
        }
        if (weight != null) Tensors.requireSameShape("chosen", chosen, "weight", weight);
        if (margin != null) Tensors.requireSameShape("chosen", chosen, "margin", margin);
        if (label != null) Tensors.requireSameShape("chosen", chosen, "label", label);
        if (numGroups < 1) throw new IllegalArgumentException("numGroups must be >= 1, got " + numGroups);

        NDArray delta = chosen.sub(rejected);                                    // (N)
        if (margin != null) delta = delta.sub(margin);                           // (N)
        NDArray perPair = Activation.softPlus(delta.neg());                      // (N) −log σ(Δ)
        if (label != null) {
            NDArray one = Tensors.scalar(chosen, 1.0);
            perPair = label.mul(perPair)
                    .add(one.sub(label).mul(Activation.softPlus(delta)));        // (N)
        }
        if (weight != null) perPair = perPair.mul(weight);                       // (N)
        NDArray loss = perPair.sum().div(Tensors.scalar(chosen, numGroups));     // ()

        float[] rc = Tensors.values(chosen);
        float[] rr = Tensors.values(rejected);
        float[] y = label == null ? null : Tensors.values(label);
        double correct = 0;
        double gap = 0;
        int hard = 0;
        for (int i = 0; i < rc.length; i++) {
            double yi = y == null ? 1.0 : y[i];
            if (yi == 0.5) continue;
            double d = yi > 0.5 ? rc[i] - rr[i] : rr[i] - rc[i];
            correct += d > 0 ? 1.0 : d == 0 ? 0.5 : 0.0;
            gap += d;
            hard++;
        }
        return new Result(loss, hard == 0 ? Double.NaN : correct / hard,
                hard == 0 ? Double.NaN : gap / hard, rc.length);
    }
}
