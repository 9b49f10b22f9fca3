package dev.feedloop.ml.preference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaselinesTest {

    @Test
    void lengthBaselinesOnAHandMadeSet() {
        // chosen longer ×3, equal length ×1 → longer: (3 + 0.5)/4 = 0.875, shorter: 0.5/4 = 0.125
        List<Comparison> cs = List.of(
                Comparison.of("1", "p", "a long answer", "no"),
                Comparison.of("2", "p", "quite long", "short"),
                Comparison.of("3", "p", "longer one", "short"),
                Comparison.of("4", "p", "same", "size"));
        PairwiseAccuracy longer = PairwiseAccuracy.of(cs, LengthBaseline.LONGER);
        PairwiseAccuracy shorter = PairwiseAccuracy.of(cs, LengthBaseline.SHORTER);
        assertEquals(0.875, longer.accuracy(), 1e-12);
        assertEquals(3.5, longer.correct(), 1e-12);
        assertEquals(0.125, shorter.accuracy(), 1e-12);
        // Wilson 95% for 3.5 of 4: [0.395773, 0.986809]
        assertEquals(0.395773, longer.lower95(), 1e-6);
        assertEquals(0.986809, longer.upper95(), 1e-6);
    }

    @Test
    void wilsonIntervalByHand() {
        // 8/10: centre (0.8 + 1.920729/10)/(1.384146) = 0.716740, half 0.226576 → [0.490162, 0.943318]
        PairwiseAccuracy a = PairwiseAccuracy.wilson(8, 10);
        assertEquals(0.490162, a.lower95(), 1e-6);
        assertEquals(0.943318, a.upper95(), 1e-6);
        PairwiseAccuracy zero = PairwiseAccuracy.wilson(0, 5);
        assertEquals(0.0, zero.lower95(), 1e-12);
        assertEquals(0.434482, zero.upper95(), 1e-6);
    }

    @Test
    void softTiesAreNotScored() {
        List<Comparison> cs = List.of(Comparison.of("1", "p", "long answer", "no"),
                new Comparison("2", "p", "x", "yy", 1, 0, 0.5));
        assertEquals(1, PairwiseAccuracy.of(cs, LengthBaseline.LONGER).pairs());
    }

    @Test
    void bagOfWordsLearnsAWordPreference() {
        // the humans prefer replies that open with "please" over ones that open with "listen" (same
        // length, so the length baselines are blind); held-out pairs are about unseen nouns
        String[] nouns = {"apple", "river", "stone", "cloud", "tiger", "piano", "lemon", "candle", "forest", "rocket",
                "garden", "violin", "pepper", "island", "mirror", "pencil", "castle", "button", "dragon", "planet"};
        String[] templates = {" pass the ", " give me the ", " show me the ", " find the "};
        List<Comparison> train = new ArrayList<>();
        List<Comparison> heldOut = new ArrayList<>();
        for (int i = 0; i < nouns.length; i++) {
            for (String t : templates) {
                Comparison c = Comparison.of("g" + i, "p" + i, "please" + t + nouns[i], "listen" + t + nouns[i]);
                (i % 5 == 0 ? heldOut : train).add(c);
            }
        }
        BagOfWordsLogReg model = BagOfWordsLogReg.train(train, BagOfWordsLogReg.Config.defaults());
        PairwiseAccuracy acc = PairwiseAccuracy.of(heldOut, model);
        assertEquals(1.0, acc.accuracy(), 0, acc.toString());
        assertEquals(0.5, PairwiseAccuracy.of(heldOut, LengthBaseline.LONGER).accuracy(), 0, "equal lengths");
        assertTrue(model.probability("please pass the river", "listen pass the river") > 0.5);
        // deterministic for a seed
        BagOfWordsLogReg again = BagOfWordsLogReg.train(train, BagOfWordsLogReg.Config.defaults());
        assertEquals(model.score("", "please pass the stone"), again.score("", "please pass the stone"), 0);
    }
}
