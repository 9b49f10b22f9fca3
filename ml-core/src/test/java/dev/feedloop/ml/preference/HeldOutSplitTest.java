package dev.feedloop.ml.preference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeldOutSplitTest {

    private static List<Comparison> data() {
        List<Comparison> cs = new ArrayList<>();
        for (int p = 0; p < 2000; p++) {
            for (int k = 0; k < 3; k++) cs.add(Comparison.of("g" + p, "prompt number " + p, "a" + k, "b" + k));
        }
        return cs;
    }

    @Test
    void noPromptLandsOnBothSides() {
        HeldOutSplit.Split s = new HeldOutSplit(0.2).split(data());
        Set<String> train = new HashSet<>();
        s.train().forEach(c -> train.add(c.prompt()));
        s.heldOut().forEach(c -> assertTrue(!train.contains(c.prompt()), c.prompt()));
        assertEquals(6000, s.train().size() + s.heldOut().size());
        // 2000 prompts at 20%: 400 expected, binomial sd ≈ 18
        long heldOutPrompts = s.heldOut().stream().map(Comparison::prompt).distinct().count();
        assertTrue(heldOutPrompts > 330 && heldOutPrompts < 470, "held-out prompts " + heldOutPrompts);
    }

    @Test
    void theSplitDoesNotDependOnOrder() {
        List<Comparison> shuffled = new ArrayList<>(data());
        Collections.shuffle(shuffled, new Random(1));
        Set<Comparison> a = new HashSet<>(new HeldOutSplit(0.2).split(data()).heldOut());
        Set<Comparison> b = new HashSet<>(new HeldOutSplit(0.2).split(shuffled).heldOut());
        assertEquals(a, b);
    }

    @Test
    void edgesHoldOutNothingOrEverything() {
        assertEquals(0, new HeldOutSplit(0).split(data()).heldOut().size());
        assertEquals(0, new HeldOutSplit(1).split(data()).train().size());
    }
}
