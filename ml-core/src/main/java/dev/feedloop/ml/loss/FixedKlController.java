package dev.feedloop.ml.loss;

/** A constant β. */
public final class FixedKlController implements KlController {

    private final double beta;

    public FixedKlController(double beta) {
        if (!(beta >= 0)) throw new IllegalArgumentException("beta must be >= 0, got " + beta);
        this.beta = beta;
    }

    @Override
    public double value() {
        return beta;
    }

    @Override
    public void update(double currentKl, long steps) {
        // fixed by definition
    }
}
