package dev.feedloop.ml.loss;

/** The KL coefficient β of the per-token penalty −β·KL, and how it moves. */
public interface KlController {

    /** Current β. */
    double value();

    /**
     * Report the mean KL (summed over the response, per sequence) seen over {@code steps} samples.
     */
    void update(double currentKl, long steps);

    /** β that never changes (InstructGPT's setting). */
    static KlController fixed(double beta) {
        return new FixedKlController(beta);
    }

    /** Ziegler et al. 2019's adaptive controller, see {@link AdaptiveKlController}. */
    static KlController adaptive(double initialBeta, double targetKl, double horizon) {
        return new AdaptiveKlController(initialBeta, targetKl, horizon);
    }
}
