package dev.feedloop.labeling.annotators;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.events.v1.Tier;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Each annotator's own feedback, newest first, as they see it on the labeling page. A fold over
 * {@code FeedbackRecorded} (sources ANNOTATOR and SIMULATED), deduplicated by event id, so a replay
 * of the feedback topic rebuilds it. Keeps the latest {@code perAnnotator} entries of each annotator.
 * Thread-safe.
 */
public final class AnnotatorHistory {

    /**
     * One piece of feedback.
     *
     * @param kind    ranking, score, flag or comparison
     * @param summary the content in one line, e.g. "r/2 > r/0 = r/1" or "r/1: 6"
     */
    public record Entry(String eventId, Instant createdAt, String rolloutId, String kind, String summary, String comment) {
    }

    private final int perAnnotator;
    private final Map<String, Deque<Entry>> byAnnotator = new HashMap<>();
    private final Set<String> eventIds = new HashSet<>();

    /** @param perAnnotator entries kept per annotator (>= 1) */
    public AnnotatorHistory(int perAnnotator) {
        if (perAnnotator < 1) {
            throw new IllegalArgumentException("history size " + perAnnotator + " must be >= 1");
        }
        this.perAnnotator = perAnnotator;
    }

    public synchronized void record(FeedbackRecorded feedback) {
        if ((feedback.getSource() != Source.ANNOTATOR && feedback.getSource() != Source.SIMULATED)
                || !eventIds.add(feedback.getEventId())) {
            return;
        }
        Deque<Entry> entries = byAnnotator.computeIfAbsent(feedback.getAnnotator(), a -> new ArrayDeque<>());
        entries.addFirst(new Entry(feedback.getEventId(),
                Instant.ofEpochSecond(feedback.getCreatedAt().getSeconds(), feedback.getCreatedAt().getNanos()),
                feedback.getRolloutId(), feedback.getKindCase().name().toLowerCase(), summary(feedback), feedback.getComment()));
        while (entries.size() > perAnnotator) {
            entries.removeLast();
        }
    }

    /** This annotator's entries, newest first. */
    public synchronized List<Entry> of(String annotator) {
        return new ArrayList<>(byAnnotator.getOrDefault(annotator, new ArrayDeque<>()));
    }

    static String summary(FeedbackRecorded f) {
        return switch (f.getKindCase()) {
            case RANKING -> f.getRanking().getTiersList().stream()
                    .map((Tier t) -> String.join(" = ", t.getResponseIdsList())).collect(Collectors.joining(" > "));
            case SCORE -> f.getScore().getResponseId() + ": " + f.getScore().getValue();
            case FLAG -> f.getFlag().getResponseId() + ": " + f.getFlag().getCategory();
            case THUMB -> f.getThumb().getResponseId() + ": " + (f.getThumb().getUp() ? "up" : "down");
            case COMPARISON -> f.getComparison().getResponseA() + " vs " + f.getComparison().getResponseB() + ": "
                    + f.getComparison().getOutcome();
            default -> "";
        };
    }
}
