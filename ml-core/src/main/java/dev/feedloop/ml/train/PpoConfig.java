package dev.feedloop.ml.train;

/**
 * Hyperparameters of a policy-optimisation step.
 *
 * @param estimator         PPO (GAE with a value head) or RLOO (leave-one-out group baseline)
 * @param klCoefficient     β of the per-token penalty −β·(log π − log π_ref); the initial β when adaptive
 * @param klTarget          target KL per sequence for the adaptive controller (Ziegler et al. 2019); 0 = fixed β
 * @param klHorizon         adaptive controller horizon in sequences
 * @param clipEpsilon       ε of the clipped surrogate
 * @param valueClip         clip range of the value loss
 * @param valueCoefficient  weight of the value loss in the total loss
 * @param gamma             GAE discount (1 in InstructGPT)
 * @param lambda            GAE λ
 * @param epochs            passes over each batch of rollouts
 * @param minibatchSize     sequences per gradient step
 * @param learningRate      AdamW learning rate
 * @param temperature       the sampling temperature: log-probs use softmax(logits / temperature)
 * @param whitenAdvantages  normalise advantages to mean 0, std 1 over the batch
 * @param seed              minibatch shuffling
 */
public record PpoConfig(Estimator estimator, double klCoefficient, double klTarget, double klHorizon,
        double clipEpsilon, double valueClip, double valueCoefficient, double gamma, double lambda, int epochs,
        int minibatchSize, double learningRate, float temperature, boolean whitenAdvantages, long seed) {

    /** How advantages are estimated. */
    public enum Estimator { PPO, RLOO }

    public PpoConfig {
        if (!(klCoefficient >= 0)) {
            throw new IllegalArgumentException("klCoefficient " + klCoefficient + " must be >= 0");
        }
        if (!(clipEpsilon > 0 && clipEpsilon < 1)) {
            throw new IllegalArgumentException("clipEpsilon " + clipEpsilon + " must be in (0, 1)");
        }
        if (epochs < 1 || minibatchSize < 1) {
            throw new IllegalArgumentException("epochs " + epochs + " and minibatchSize " + minibatchSize + " must be >= 1");
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature " + temperature + " must be > 0");
        }
        if (!(gamma > 0 && gamma <= 1) || !(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("gamma " + gamma + " must be in (0, 1] and lambda " + lambda + " in [0, 1]");
        }
    }

    /** InstructGPT-like defaults for small models: β 0.05, ε 0.2, γ 1, λ 0.95, 2 epochs. */
    public static PpoConfig defaults() {
        return new PpoConfig(Estimator.PPO, 0.05, 0, 10000, 0.2, 0.2, 0.1, 1.0, 0.95, 2, 16, 1e-3, 1.0f, true, 0);
    }

    public PpoConfig withEstimator(Estimator e) {
        return new PpoConfig(e, klCoefficient, klTarget, klHorizon, clipEpsilon, valueClip, valueCoefficient, gamma,
                lambda, epochs, minibatchSize, learningRate, temperature, whitenAdvantages, seed);
    }

    public PpoConfig withKl(double coefficient, double target) {
        return new PpoConfig(estimator, coefficient, target, klHorizon, clipEpsilon, valueClip, valueCoefficient, gamma,
                lambda, epochs, minibatchSize, learningRate, temperature, whitenAdvantages, seed);
    }

    public PpoConfig withLearningRate(double lr) {
        return new PpoConfig(estimator, klCoefficient, klTarget, klHorizon, clipEpsilon, valueClip, valueCoefficient,
                gamma, lambda, epochs, minibatchSize, lr, temperature, whitenAdvantages, seed);
    }

    public PpoConfig withEpochs(int n, int minibatch) {
        return new PpoConfig(estimator, klCoefficient, klTarget, klHorizon, clipEpsilon, valueClip, valueCoefficient,
                gamma, lambda, n, minibatch, learningRate, temperature, whitenAdvantages, seed);
    }

    public PpoConfig withTemperature(float t) {
        return new PpoConfig(estimator, klCoefficient, klTarget, klHorizon, clipEpsilon, valueClip, valueCoefficient,
                gamma, lambda, epochs, minibatchSize, learningRate, t, whitenAdvantages, seed);
    }
}
