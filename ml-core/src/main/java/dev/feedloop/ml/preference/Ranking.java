package dev.feedloop.ml.preference;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A ranking of K = 2…9 responses to one prompt by one annotator, as tiers from best to worst:
 * {@code [[a], [b, c], [d]]} means a ≻ b ~ c ≻ d. Every response appears in exactly one tier.
 */
public record Ranking(String promptId, String prompt, List<Response> responses, List<List<String>> tiers)
        implements Feedback {

    public static final int MIN_RESPONSES = 2;
    public static final int MAX_RESPONSES = 9;

    public Ranking {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(prompt, "prompt");
        responses = List.copyOf(responses);
        tiers = tiers.stream().map(List::copyOf).toList();
        if (responses.size() < MIN_RESPONSES || responses.size() > MAX_RESPONSES) {
            throw new IllegalArgumentException("ranking of prompt " + promptId + " has " + responses.size()
                    + " responses; K must be " + MIN_RESPONSES + "…" + MAX_RESPONSES);
        }
        Set<String> ids = new HashSet<>();
        for (Response r : responses) {
            if (!ids.add(r.id())) throw new IllegalArgumentException("response " + r.id() + " appears twice in ranking of " + promptId);
        }
        Set<String> ranked = new HashSet<>();
        for (List<String> tier : tiers) {
            if (tier.isEmpty()) throw new IllegalArgumentException("empty tier in ranking of " + promptId);
            for (String id : tier) {
                if (!ids.contains(id)) throw new IllegalArgumentException("tier names unknown response " + id + " in ranking of " + promptId);
                if (!ranked.add(id)) throw new IllegalArgumentException("response " + id + " is in two tiers of ranking of " + promptId);
            }
        }
        if (ranked.size() != ids.size()) {
            throw new IllegalArgumentException("ranking of " + promptId + " ranks " + ranked.size() + " of its "
                    + ids.size() + " responses");
        }
    }

    /** A strict order best → worst, one response per tier. */
    public static Ranking ordered(String promptId, String prompt, List<Response> bestToWorst) {
        return new Ranking(promptId, prompt, bestToWorst, bestToWorst.stream().map(r -> List.of(r.id())).toList());
    }
}
