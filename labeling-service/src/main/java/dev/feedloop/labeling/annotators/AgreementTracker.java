package dev.feedloop.labeling.annotators;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.events.v1.Tier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Inter-annotator agreement on rankings, as InstructGPT reports it: for every rollout ranked by two
 * or more annotators, and every pair of those annotators, the fraction of response pairs both
 * ordered the same way (a tie counts as an order: tie–tie agrees, tie–"a better" does not).
 *
 * <p>A fold over {@code FeedbackRecorded}: {@link #record} keeps each annotator's latest ranking of
 * each rollout, so replaying the feedback topic, in any order and any number of times, rebuilds
 * the same report. Only people and the simulated panel count (sources ANNOTATOR and SIMULATED).
 * Thread-safe.
 */
public final class AgreementTracker {

    /** rollout id → annotator → rank of each response (0 = best tier). */
    private final Map<String, Map<String, Map<String, Integer>>> rankings = new HashMap<>();

    /** Pair counts: response pairs both annotators ranked, and how many of them they ordered alike. */
    public record Counts(long pairs, long agreed) {
        public Counts plus(Counts other) {
            return new Counts(pairs + other.pairs, agreed + other.agreed);
        }

        /** agreed / pairs; NaN when there is no pair. */
        public double fraction() {
            return pairs == 0 ? Double.NaN : (double) agreed / pairs;
        }
    }

    /**
     * One annotator's agreement with everyone who ranked the same rollouts.
     *
     * @param rollouts rollouts this annotator ranked that someone else ranked too
     */
    public record AnnotatorAgreement(String annotator, int rollouts, long pairs, long agreed, double agreement) {
    }

    /** Two annotators' agreement over the rollouts both ranked. */
    public record PairAgreement(String a, String b, int rollouts, long pairs, long agreed, double agreement) {
    }

    /**
     * @param overall    every annotator pair on every shared rollout, pooled
     * @param annotators by annotator name
     * @param pairs      by annotator pair, names in order
     */
    public record Report(int sharedRollouts, long pairs, long agreed, double overall,
                         List<AnnotatorAgreement> annotators, List<PairAgreement> pairsOfAnnotators) {
    }

    /** Takes a ranking into account; any other feedback is ignored. Idempotent: the latest ranking of a rollout by an annotator wins. */
    public synchronized void record(FeedbackRecorded feedback) {
        if (feedback.getKindCase() != FeedbackRecorded.KindCase.RANKING
                || (feedback.getSource() != Source.ANNOTATOR && feedback.getSource() != Source.SIMULATED)) {
            return;
        }
        Map<String, Integer> rank = new HashMap<>();
        List<Tier> tiers = feedback.getRanking().getTiersList();
        for (int i = 0; i < tiers.size(); i++) {
            for (String responseId : tiers.get(i).getResponseIdsList()) {
                rank.put(responseId, i);
            }
        }
        rankings.computeIfAbsent(feedback.getRolloutId(), r -> new TreeMap<>()).put(feedback.getAnnotator(), rank);
    }

    /**
     * Compares two rankings of one rollout (response id → tier index, lower is better) over the
     * response pairs both contain.
     */
    public static Counts compare(Map<String, Integer> a, Map<String, Integer> b) {
        List<String> common = new ArrayList<>();
        for (String id : a.keySet()) {
            if (b.containsKey(id)) {
                common.add(id);
            }
        }
        common.sort(null);
        long pairs = 0;
        long agreed = 0;
        for (int i = 0; i < common.size(); i++) {
            for (int j = i + 1; j < common.size(); j++) {
                String x = common.get(i);
                String y = common.get(j);
                pairs++;
                if (Integer.signum(a.get(x) - a.get(y)) == Integer.signum(b.get(x) - b.get(y))) {
                    agreed++;
                }
            }
        }
        return new Counts(pairs, agreed);
    }

    public synchronized Report report() {
        Map<String, Counts> byAnnotator = new TreeMap<>();
        Map<String, Integer> rolloutsByAnnotator = new HashMap<>();
        Map<List<String>, Counts> byPair = new TreeMap<>((p, q) -> p.toString().compareTo(q.toString()));
        Map<List<String>, Integer> rolloutsByPair = new HashMap<>();
        Counts total = new Counts(0, 0);
        int shared = 0;
        for (Map<String, Map<String, Integer>> byRollout : rankings.values()) {
            if (byRollout.size() < 2) {
                continue;
            }
            shared++;
            List<String> names = new ArrayList<>(byRollout.keySet());  // sorted: a TreeMap
            for (String name : names) {
                rolloutsByAnnotator.merge(name, 1, Integer::sum);
            }
            for (int i = 0; i < names.size(); i++) {
                for (int j = i + 1; j < names.size(); j++) {
                    Counts c = compare(byRollout.get(names.get(i)), byRollout.get(names.get(j)));
                    List<String> pair = List.of(names.get(i), names.get(j));
                    byPair.merge(pair, c, Counts::plus);
                    rolloutsByPair.merge(pair, 1, Integer::sum);
                    byAnnotator.merge(names.get(i), c, Counts::plus);
                    byAnnotator.merge(names.get(j), c, Counts::plus);
                    total = total.plus(c);
                }
            }
        }
        List<AnnotatorAgreement> annotators = new ArrayList<>();
        byAnnotator.forEach((name, c) -> annotators.add(
                new AnnotatorAgreement(name, rolloutsByAnnotator.get(name), c.pairs(), c.agreed(), c.fraction())));
        List<PairAgreement> pairs = new ArrayList<>();
        byPair.forEach((pair, c) -> pairs.add(new PairAgreement(pair.get(0), pair.get(1), rolloutsByPair.get(pair),
                c.pairs(), c.agreed(), c.fraction())));
        return new Report(shared, total.pairs(), total.agreed(), total.fraction(), List.copyOf(annotators), List.copyOf(pairs));
    }
}
