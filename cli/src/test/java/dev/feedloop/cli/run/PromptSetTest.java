package dev.feedloop.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptSetTest {

    @Test
    void firstSentencesOfTheRealStoriesSplitByHashWithoutOverlap() throws IOException {
        PromptSet set = PromptSet.load(Path.of("../data/prompts/tinystories/tinystories_sample.txt"), 10);
        int total = set.train().size() + set.heldOut().size();
        assertTrue(total > 1500, "distinct first sentences: " + total);
        double share = set.heldOut().size() / (double) total;
        assertTrue(share > 0.06 && share < 0.14, "held-out share " + share);
        Set<String> train = new HashSet<>(set.train());
        for (String s : set.heldOut()) {
            assertTrue(!train.contains(s), "on both sides: " + s);
        }
        String first = "One day, a little girl named Lily found a needle in her room.";
        assertTrue(set.train().contains(first) || set.heldOut().contains(first), "the file's first story's first sentence");
        // the same file splits the same way every time
        assertEquals(set, PromptSet.load(Path.of("../data/prompts/tinystories/tinystories_sample.txt"), 10));
    }

    @Test
    void firstSentenceStopsAtTheFirstFullStopQuestionOrExclamation() {
        assertEquals(Optional.of("Tom had a red ball."), PromptSet.firstSentence("\n Tom had a red ball. It was big."));
        assertEquals(Optional.of("Did you see it?"), PromptSet.firstSentence("Did you see it? Yes."));
        assertEquals(Optional.empty(), PromptSet.firstSentence("   "));
        assertEquals(Optional.empty(), PromptSet.firstSentence("no full stop at all"));
    }

    @Test
    void aFileWithoutStoriesAndABadShareAreRefused(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "\n<|endoftext|>\n");
        IOException e = assertThrows(IOException.class, () -> PromptSet.load(empty, 10));
        assertTrue(e.getMessage().contains("empty.txt"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PromptSet.load(empty, 0));
        assertThrows(IllegalArgumentException.class, () -> PromptSet.load(empty, 60));
    }
}
