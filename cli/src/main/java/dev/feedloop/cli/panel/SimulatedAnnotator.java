package dev.feedloop.cli.panel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * One simulated annotator: perceives each response's {@link HiddenPreference#utility utility} plus
 * their own Gaussian noise (standard deviation {@code noise}), then labels as a person would:
 * <ul>
 *   <li>a <b>ranking</b> of all K responses, best first; a response whose perceived utility is
 *       closer than {@link #TIE_GAP} to the one ranked just above it shares its tier (a tie);</li>
 *   <li>a <b>score</b> 1–7 for each response, with probability {@code scoreRate} per task:
 *       {@code round(3 + 1.5 · perceived)}, clamped to 1…7;</li>
 *   <li>a <b>flag</b> "fails the task" on an empty or repetitive response (two or more repeated
 *       sentences), noticed with probability {@link #FLAG_NOTICE}.</li>
 * </ul>
 * With the panel's default noise, two annotators order a random pair of real story continuations
 * the same way about 75% of the time (measured in {@code SimulatedAnnotatorTest}), close to the
 * inter-annotator agreement InstructGPT reports for its labelers (≈ 73–77%).
 */
public final class SimulatedAnnotator {
    /**
     * Perceived utilities closer than this are a tie in the ranking: half a kind word. Like people,
     * the annotators call two stories equally good when neither stands out, rather than ordering
     * them by a whim; a tie gives the reward model no comparison instead of a coin-flip one. (With
     * the default noise, two stories of equal utility tie about half the time; one kind word apart,
     * the better one is ranked above the other about 78% of the time and below it about 1%.)
     */
    static final double TIE_GAP = 0.5;
    /** Chance that an annotator notices a response that deserves a flag. */
    static final double FLAG_NOTICE = 0.5;
    public static final String FLAG_CATEGORY = "fails the task";

    private final String name;
    private final double noise;
    private final double scoreRate;
    private final Random random;

    public SimulatedAnnotator(String name, double noise, double scoreRate, long seed) {
        if (noise < 0 || !Double.isFinite(noise)) {
            throw new IllegalArgumentException("noise " + noise + " must be a finite number >= 0");
        }
        if (scoreRate < 0 || scoreRate > 1) {
            throw new IllegalArgumentException("scoreRate " + scoreRate + " must be in [0, 1]");
        }
        this.name = name;
        this.noise = noise;
        this.scoreRate = scoreRate;
        this.random = new Random(seed);
    }

    public String name() {
        return name;
    }

    /** One response of a task, as the labeling API shows it. */
    public record Shown(String responseId, String text) {}

    /** What the annotator submits for one task. */
    public record Labels(List<List<String>> tiers, List<ScoreLabel> scores, Optional<String> flaggedResponse) {}

    public record ScoreLabel(String responseId, int value) {}

    /** Labels one task's responses. */
    public Labels label(List<Shown> responses) {
        if (responses.isEmpty()) {
            throw new IllegalArgumentException("a task has at least one response");
        }
        List<double[]> perceived = new ArrayList<>(); // (index, perceived utility)
        for (int i = 0; i < responses.size(); i++) {
            perceived.add(new double[] {i, perceive(responses.get(i).text())});
        }
        List<double[]> order = new ArrayList<>(perceived);
        order.sort(Comparator.comparingDouble((double[] p) -> p[1]).reversed());
        List<List<String>> tiers = new ArrayList<>();
        double last = Double.NaN;
        for (double[] p : order) {
            String id = responses.get((int) p[0]).responseId();
            if (tiers.isEmpty() || last - p[1] >= TIE_GAP) {
                tiers.add(new ArrayList<>());
            }
            tiers.get(tiers.size() - 1).add(id);
            last = p[1];
        }
        List<ScoreLabel> scores = new ArrayList<>();
        if (random.nextDouble() < scoreRate) {
            for (double[] p : perceived) {
                int value = (int) Math.max(1, Math.min(7, Math.round(3 + 1.5 * p[1])));
                scores.add(new ScoreLabel(responses.get((int) p[0]).responseId(), value));
            }
        }
        Optional<String> flag = Optional.empty();
        for (Shown r : responses) {
            boolean deserves = r.text().isBlank() || HiddenPreference.repeatedSentences(r.text()) >= 2;
            if (deserves && random.nextDouble() < FLAG_NOTICE) {
                flag = Optional.of(r.responseId());
                break;
            }
        }
        return new Labels(tiers, scores, flag);
    }

    /** The utility this annotator perceives: the hidden one plus their noise. */
    double perceive(String text) {
        return HiddenPreference.utility(text) + noise * random.nextGaussian();
    }
}
