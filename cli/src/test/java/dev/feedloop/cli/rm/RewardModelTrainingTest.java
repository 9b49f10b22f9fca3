package dev.feedloop.cli.rm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The learning-rate schedule: linear warm-up to the peak, then cosine down to a tenth of it. */
class RewardModelTrainingTest {
    @Test
    void warmUpThenCosineToATenth() {
        RewardModelTraining.Config c = new RewardModelTraining.Config(110, 4, 1e-3, 10, 0, 1, 0, 0);
        assertEquals(1e-4, RewardModelTraining.learningRate(c, 0), 1e-12);
        assertEquals(5e-4, RewardModelTraining.learningRate(c, 4), 1e-12);
        assertEquals(1e-3, RewardModelTraining.learningRate(c, 9), 1e-12);
        assertEquals(1e-3, RewardModelTraining.learningRate(c, 10), 1e-12, "the peak right after warm-up");
        assertEquals(5.5e-4, RewardModelTraining.learningRate(c, 60), 1e-12, "halfway: (peak + floor) / 2");
        assertEquals(1e-4, RewardModelTraining.learningRate(c, 110), 1e-12, "the floor at the end");
    }
}
