package dev.feedloop.ml.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KlControllerTest {

    @Test
    void adaptiveMovesByAtMostTwentyPercentPerHorizon() {
        // target 6, horizon 10,000, n = 256
        KlController c = KlController.adaptive(0.2, 6, 10_000);
        c.update(12, 256);  // error clipped to +0.2: β = 0.2·(1 + 0.2·0.0256) = 0.201024
        assertEquals(0.201024, c.value(), 1e-12);
        c = KlController.adaptive(0.2, 6, 10_000);
        c.update(6.6, 256); // error 0.1: β = 0.2·1.00256 = 0.200512
        assertEquals(0.200512, c.value(), 1e-12);
        c = KlController.adaptive(0.2, 6, 10_000);
        c.update(0, 10_000); // error clipped to −0.2 over a full horizon: β = 0.16
        assertEquals(0.16, c.value(), 1e-12);
    }

    @Test
    void fixedNeverMoves() {
        KlController c = KlController.fixed(0.05);
        c.update(100, 1_000_000);
        assertEquals(0.05, c.value(), 0);
    }
}
