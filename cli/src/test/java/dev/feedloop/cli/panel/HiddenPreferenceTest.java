package dev.feedloop.cli.panel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HiddenPreferenceTest {

    @Test
    void helpingWordsCountOncePerFormUpToTheCap() {
        assertEquals(0, HiddenPreference.utility("Tom ran to the park. He saw a dog."), 1e-12);
        assertEquals(1, HiddenPreference.utility("Tom helped the dog."), 1e-12);
        assertEquals(1, HiddenPreference.utility("help help help"), 1e-12);
        assertEquals(2, HiddenPreference.utility("They shared the toy and played together. Thanks!"), 1e-12);
        assertEquals(3, HiddenPreference.helpingWords("They shared the toy and played together. Thanks!"));
        assertEquals(4, HiddenPreference.helpingWords("Her friend gave her a hug. She said sorry."));
        assertEquals(2, HiddenPreference.utility("Her friend gave her a hug. She said sorry."), 1e-12);
        assertEquals(0, HiddenPreference.helpingWords("The friendly kindness of the careful girl."));
    }

    @Test
    void repeatedSentencesCostOneEachIgnoringCaseAndSpacing() {
        String text = "She went to the park. She saw a bird. she  went to the park! She went to the park. Yes. Yes.";
        assertEquals(2, HiddenPreference.repeatedSentences(text)); // "Yes." has under 3 words: not counted
        assertEquals(-2, HiddenPreference.utility(text), 1e-12);
        assertEquals(-1, HiddenPreference.utility("Lily helped her mom. Lily helped her mom. Lily helped her mom."), 1e-12);
    }

    @Test
    void emptyResponsesAreWorseThanPlainOnes() {
        assertEquals(-0.5, HiddenPreference.utility("  "), 1e-12);
        assertEquals(-0.5, HiddenPreference.utility(""), 1e-12);
    }

    @Test
    void judgeGivesWinLossAndTie() {
        assertEquals(1.0, HiddenPreference.judge("He helped her.", "He ran."));
        assertEquals(0.0, HiddenPreference.judge("He ran.", "He helped her."));
        assertEquals(0.5, HiddenPreference.judge("He ran.", "She sat."));
    }
}
