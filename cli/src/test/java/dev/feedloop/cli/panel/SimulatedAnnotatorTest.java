package dev.feedloop.cli.panel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulatedAnnotatorTest {

    /** Story fragments of 1–4 real TinyStories sentences, as long as a policy's continuation. */
    static List<String> fragments() throws IOException {
        Path file = Path.of("../data/prompts/tinystories/tinystories_sample.txt");
        List<String> out = new ArrayList<>();
        Random random = new Random(7);
        for (String story : Files.readString(file).split("<\\|endoftext\\|>")) {
            String[] sentences = story.strip().split("(?<=[.!?])\\s+");
            if (sentences.length < 5) {
                continue;
            }
            int from = 1 + random.nextInt(sentences.length - 4);
            int n = 1 + random.nextInt(4);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.append(sentences[from + i]).append(' ');
                if (random.nextInt(6) == 0) { // small policies repeat themselves
                    sb.append(sentences[from + i]).append(' ');
                }
            }
            out.add(sb.toString().strip());
        }
        return out;
    }

    @Test
    void twoAnnotatorsOfThePanelAgreeAboutThreeQuartersOfTheTime() throws IOException {
        List<String> texts = fragments();
        assertTrue(texts.size() > 1000, "fragments: " + texts.size());
        SimulatedAnnotator a = new SimulatedAnnotator("a", Panel.DEFAULT_NOISE, 0, 1);
        SimulatedAnnotator b = new SimulatedAnnotator("b", Panel.DEFAULT_NOISE, 0, 2);
        Random random = new Random(3);
        int agree = 0;
        int pairs = 20_000;
        for (int i = 0; i < pairs; i++) {
            String x = texts.get(random.nextInt(texts.size()));
            String y = texts.get(random.nextInt(texts.size()));
            boolean aPrefersX = a.perceive(x) > a.perceive(y);
            boolean bPrefersX = b.perceive(x) > b.perceive(y);
            agree += aPrefersX == bPrefersX ? 1 : 0;
        }
        double agreement = agree / (double) pairs;
        System.out.printf("panel agreement %.3f at noise %.2f%n", agreement, Panel.DEFAULT_NOISE);
        assertTrue(agreement > 0.70 && agreement < 0.80, "agreement " + agreement);
    }

    @Test
    void rankingCoversEveryResponseOnceBestFirst() {
        SimulatedAnnotator exact = new SimulatedAnnotator("exact", 0, 1, 1);
        List<SimulatedAnnotator.Shown> shown = List.of(
                new SimulatedAnnotator.Shown("r/0", "He ran home. He ran home. He ran home."),
                new SimulatedAnnotator.Shown("r/1", "She helped him and they shared a cake."),
                new SimulatedAnnotator.Shown("r/2", "He saw a cat."),
                new SimulatedAnnotator.Shown("r/3", "Tom helped the bird."));
        SimulatedAnnotator.Labels labels = exact.label(shown);
        assertEquals(List.of(List.of("r/1"), List.of("r/3"), List.of("r/2"), List.of("r/0")), labels.tiers());
        // utilities 2, 1, 0, -2 → scores 6, 4.5→5 (half up), 3, 0→1
        assertEquals(List.of(new SimulatedAnnotator.ScoreLabel("r/0", 1), new SimulatedAnnotator.ScoreLabel("r/1", 6),
                new SimulatedAnnotator.ScoreLabel("r/2", 3), new SimulatedAnnotator.ScoreLabel("r/3", 5)), labels.scores());
    }

    @Test
    void equalUtilitiesTieWithoutNoise() {
        SimulatedAnnotator exact = new SimulatedAnnotator("exact", 0, 0, 1);
        SimulatedAnnotator.Labels labels = exact.label(List.of(
                new SimulatedAnnotator.Shown("a", "He ran."), new SimulatedAnnotator.Shown("b", "She sat.")));
        assertEquals(1, labels.tiers().size());
        assertEquals(Set.of("a", "b"), new HashSet<>(labels.tiers().get(0)));
        assertTrue(labels.scores().isEmpty(), "score rate 0 gives no scores");
    }

    @Test
    void repetitiveResponsesGetFlaggedSometimes() {
        SimulatedAnnotator annotator = new SimulatedAnnotator("f", 0.5, 0, 5);
        int flagged = 0;
        for (int i = 0; i < 400; i++) {
            SimulatedAnnotator.Labels labels = annotator.label(List.of(
                    new SimulatedAnnotator.Shown("ok", "Tom helped the bird."),
                    new SimulatedAnnotator.Shown("bad", "He ran home. He ran home. He ran home.")));
            if (labels.flaggedResponse().isPresent()) {
                assertEquals("bad", labels.flaggedResponse().get());
                flagged++;
            }
        }
        assertTrue(flagged > 150 && flagged < 250, "flagged " + flagged + " of 400 at notice rate 0.5");
    }

    @Test
    void impossibleSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SimulatedAnnotator("x", -1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SimulatedAnnotator("x", 1, 1.5, 1));
    }
}
