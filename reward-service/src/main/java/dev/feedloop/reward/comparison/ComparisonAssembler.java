package dev.feedloop.reward.comparison;

import dev.feedloop.ml.preference.Comparison;
import dev.feedloop.ml.preference.ComparisonBuilder;
import dev.feedloop.ml.preference.ComparisonStats;
import dev.feedloop.ml.preference.Feedback;
import dev.feedloop.ml.preference.HeldOutSplit;
import dev.feedloop.ml.preference.PairEncoder;
import dev.feedloop.ml.preference.Ranking;
import dev.feedloop.ml.train.EncodedPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One piece of feedback (already mapped to ml-core's {@link Feedback}) → encoded comparison groups,
 * with ml-core's rules ({@link ComparisonBuilder}, {@link PairEncoder}, {@link HeldOutSplit} by
 * prompt text).
 *
 * <ul>
 *   <li>A ranking (or a pairwise comparison, a ranking of two) is a group of its own,
 *       {@code ranking:<event_id>}.</li>
 *   <li>Scores, thumbs and flags only make pairs together with the other point feedback on the same
 *       rollout, so they are accumulated per rollout and each new one rebuilds that rollout's
 *       {@code scores:}, {@code thumbs:} and {@code flags:} groups, which <em>replace</em> the
 *       previous versions of those groups in the pools (an empty group removes one).</li>
 * </ul>
 * A group is held out or trained on as a whole, by the hash of its prompt.
 */
public final class ComparisonAssembler {

    /**
     * @param groupId pools key groups by this; a later group with the same id replaces it
     * @param pairs   the group's encoded pairs, possibly empty
     * @param heldOut true for held-out comparisons (never trained on)
     */
    public record Group(String groupId, List<EncodedPair> pairs, boolean heldOut) {
    }

    private final ComparisonBuilder builder;
    private final PairEncoder encoder;
    private final HeldOutSplit split;
    private final int maxRollouts;
    private final ComparisonStats stats = new ComparisonStats();
    private final LinkedHashMap<String, List<Feedback>> pointFeedback = new LinkedHashMap<>();

    public ComparisonAssembler(ComparisonBuilder builder, PairEncoder encoder, HeldOutSplit split, int maxRollouts) {
        this.builder = builder;
        this.encoder = encoder;
        this.split = split;
        this.maxRollouts = maxRollouts;
    }

    /** The groups that {@code feedback} (event {@code eventId}) creates or changes. */
    public List<Group> assemble(String eventId, Feedback feedback) {
        boolean heldOut = split.isHeldOut(feedback.prompt());
        if (feedback instanceof Ranking ranking) {
            List<Comparison> comparisons = builder.build(List.of(ranking), stats).comparisons();
            return List.of(group("ranking:" + eventId, comparisons, heldOut));
        }
        String rollout = feedback.promptId();
        List<Feedback> all = pointFeedback.remove(rollout);
        if (all == null) {
            all = new ArrayList<>();
        }
        all.add(feedback);
        pointFeedback.put(rollout, all);  // most recently used last
        if (pointFeedback.size() > maxRollouts) {
            Iterator<String> oldest = pointFeedback.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        Map<String, List<Comparison>> byGroup = new LinkedHashMap<>();
        for (String kind : List.of("scores:", "thumbs:", "flags:")) {
            byGroup.put(kind + rollout, new ArrayList<>());
        }
        for (Comparison c : builder.build(all, stats).comparisons()) {
            byGroup.get(c.groupId()).add(c);
        }
        List<Group> groups = new ArrayList<>();
        byGroup.forEach((id, comparisons) -> groups.add(group(id, comparisons, heldOut)));
        return groups;
    }

    /** Counters of the builder and the encoder (ties, truncations, identical pairs…). */
    public ComparisonStats stats() {
        return stats;
    }

    private Group group(String groupId, List<Comparison> comparisons, boolean heldOut) {
        List<EncodedPair> pairs = new ArrayList<>(comparisons.size());
        for (PairEncoder.EncodedPair e : encoder.encode(comparisons, stats)) {
            pairs.add(toTrainingPair(groupId, e));
        }
        return new Group(groupId, List.copyOf(pairs), heldOut);
    }

    /** PairEncoder's two whole sequences → the shared prompt (BOS first) and the two responses (EOS last). */
    static EncodedPair toTrainingPair(String groupId, PairEncoder.EncodedPair e) {
        int p = e.promptTokens();
        Comparison c = e.comparison();
        return new EncodedPair(groupId, Arrays.copyOfRange(e.chosen(), 0, p),
                Arrays.copyOfRange(e.chosen(), p, e.chosen().length),
                Arrays.copyOfRange(e.rejected(), p, e.rejected().length),
                (float) c.weight(), (float) c.margin(), (float) c.label());
    }
}
