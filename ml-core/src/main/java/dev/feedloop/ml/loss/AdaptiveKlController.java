package dev.feedloop.ml.loss;

/**
 * Adaptive KL coefficient (Ziegler et al. 2019, §2.2; TRL {@code AdaptiveKLController}):
 * <pre>
 *   e_t = clip(KL_t / KL_target − 1, −0.2, 0.2)
 *   β  ← β · (1 + e_t · n / horizon)
 * </pre>
 * where n is the number of samples since the last update: a KL above target raises β by at most
 * 20% per horizon's worth of samples.
 */
public final class AdaptiveKlController implements KlController {

    private final double targetKl;
    private final double horizon;
    private double beta;

    /**
     * @param initialBeta β_0 ≥ 0 (Ziegler: 0.2 for stylistic tasks)
     * @param targetKl    KL_target &gt; 0, in nats per sequence (Ziegler: 6)
     * @param horizon     samples over which β may move by ±20% (Ziegler: 10,000)
     */
    public AdaptiveKlController(double initialBeta, double targetKl, double horizon) {
        if (!(initialBeta >= 0)) throw new IllegalArgumentException("initialBeta must be >= 0, got " + initialBeta);
        if (!(targetKl > 0)) throw new IllegalArgumentException("targetKl must be > 0, got " + targetKl);
        if (!(horizon > 0)) throw new IllegalArgumentException("horizon must be > 0, got " + horizon);
        this.beta = initialBeta;
        this.targetKl = targetKl;
        this.horizon = horizon;
    }

    @Override
    public double value() {
        return beta;
    }

    @Override
    public void update(double currentKl, long steps) {
        // a NaN KL would poison β for good; the trainer skips such steps before they get here
        if (!Double.isFinite(currentKl)) throw new IllegalArgumentException("currentKl must be finite, got " + currentKl);
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        double error = Math.max(-0.2, Math.min(0.2, currentKl / targetKl - 1));
        beta *= 1 + error * steps / horizon;
    }
}
