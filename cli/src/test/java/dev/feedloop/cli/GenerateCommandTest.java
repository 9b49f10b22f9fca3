package dev.feedloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code feedloop generate} in this JVM on the bundled stories260K model. */
class GenerateCommandTest {
    private static final Pattern FACTS = Pattern.compile("    \\((eos|length) · (\\d+) tokens · mean log-prob (-?\\d+\\.\\d{3})\\)");

    @Test
    void printsNNumberedContinuationsOfThePromptReproduciblyBySeed() {
        Run r = Run.of("generate", "Once upon a time", "-n", "3", "--max-tokens", "24", "--seed", "7");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err(), "stderr stays quiet");
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("stories260K.bin (260,032 parameters) · temperature 1.0 · top-p 0.9 · top-k 0"
                + " · max 24 tokens · seed 7"), lines.get(0));
        for (int i = 1; i <= 3; i++) {
            int at = lines.indexOf(lines.stream().filter(l -> l.startsWith("[")).toList().get(i - 1));
            assertTrue(lines.get(at).startsWith("[" + i + "] Once upon a time"), lines.get(at));
            assertTrue(lines.get(at).length() > "[1] Once upon a time".length() + 10, "a real continuation: " + lines.get(at));
            String facts = lines.stream().skip(at + 1).filter(l -> l.startsWith("    (")).findFirst().orElseThrow();
            Matcher m = FACTS.matcher(facts);
            assertTrue(m.matches(), facts);
            int tokens = Integer.parseInt(m.group(2));
            assertTrue(tokens >= 1 && tokens <= 24, facts);
            assertTrue(m.group(1).equals("eos") || tokens == 24, facts);
            assertTrue(Double.parseDouble(m.group(3)) < 0, facts);
        }
        assertEquals(3, lines.stream().filter(l -> l.matches("\\[\\d+] .*")).count());
        assertEquals(r.out(), Run.of("generate", "Once upon a time", "-n", "3", "--max-tokens", "24", "--seed", "7").out(),
                "same seed, same output");
        assertNotEquals(r.out(), Run.of("generate", "Once upon a time", "-n", "3", "--max-tokens", "24", "--seed", "8").out());
    }

    @Test
    void greedyFromAnEmptyPromptTellsTheKnownStory() {
        Run r = Run.of("generate", "", "-n", "1", "--temperature", "0", "--max-tokens", "20", "--seed", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[1] Once upon a time, there was a little girl named Lily."), r.out());
    }
}
