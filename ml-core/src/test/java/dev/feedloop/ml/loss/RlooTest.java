package dev.feedloop.ml.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RlooTest {

    @Test
    void leaveOneOutByHand() {
        // [1, 2, 3, 6], sum 12: A_i = r_i − (12 − r_i)/3 = [1 − 11/3, 2 − 10/3, 3 − 9/3, 6 − 6/3]
        //                                               = [−8/3, −4/3, 0, 4]
        assertArrayEquals(new float[] {-8f / 3, -4f / 3, 0f, 4f}, Rloo.leaveOneOut(new float[] {1, 2, 3, 6}, 4), 1e-6f);
    }

    @Test
    void leaveOneOutPerPrompt() {
        // two prompts, K = 2: A = ±(r_1 − r_2)
        assertArrayEquals(new float[] {-1f, 1f, 5f, -5f}, Rloo.leaveOneOut(new float[] {1, 2, 5, 0}, 2), 1e-6f);
    }

    @Test
    void grpoByHand() {
        // mean 3, deviations [−2, −1, 0, 3], unbiased std sqrt(14/3) = 2.160247
        float s = (float) (Math.sqrt(14.0 / 3) + Rloo.GRPO_EPSILON);
        assertArrayEquals(new float[] {-2 / s, -1 / s, 0, 3 / s}, Rloo.groupNormalised(new float[] {1, 2, 3, 6}, 4), 1e-6f);
        // = [−0.925777, −0.462889, 0, 1.388666] with ε = 1e-4 (without it: −0.925820, …, 1.388730)
        assertArrayEquals(new float[] {-0.925777f, -0.462889f, 0f, 1.388666f},
                Rloo.groupNormalised(new float[] {1, 2, 3, 6}, 4), 1e-6f);
        assertArrayEquals(new float[] {0, 0, 0}, Rloo.groupNormalised(new float[] {4, 4, 4}, 3), 0f);
    }

    @Test
    void rejectsRaggedGroups() {
        assertThrows(IllegalArgumentException.class, () -> Rloo.leaveOneOut(new float[] {1, 2, 3}, 2));
        assertThrows(IllegalArgumentException.class, () -> Rloo.leaveOneOut(new float[] {1}, 1));
    }
}
