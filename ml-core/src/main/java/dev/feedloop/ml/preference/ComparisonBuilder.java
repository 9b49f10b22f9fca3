package dev.feedloop.ml.preference;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns feedback into weighted comparison groups, by these rules.
 *
 * <ol>
 *   <li><b>Ranking</b> of K = 2…9 responses (one group per ranking): every pair in different tiers
 *       gives chosen = the better one, label 1, margin 0. Pairs in the same tier are ties: dropped
 *       and counted as {@code tied_pair}, or kept with label 0.5 when {@link Config#tiesAsSoftLabels}.
 *       A ranking with a single tier (all tie) gives nothing, soft labels or not, and is counted as
 *       {@code all_tie_ranking}.</li>
 *   <li><b>Scores</b> (one group per prompt): each response's score is the mean of its scores; pairs
 *       with different means give chosen = the higher, margin = difference × {@link Config#scoreMarginScale};
 *       equal means are ties as above; a prompt whose means are all equal gives nothing
 *       ({@code all_tie_scores}); a prompt with one scored response gives an {@link UnpairedLabel}
 *       ({@code score_unpaired}).</li>
 *   <li><b>Thumbs</b> (one group per prompt): each response's net = ups − downs; a net of 0 is dropped
 *       ({@code thumb_net_zero}); every liked (net &gt; 0) response ≻ every disliked (net &lt; 0)
 *       sibling. When a prompt has no liked or no disliked response, its thumbed responses are kept as
 *       {@link UnpairedLabel}s with value = net ({@code thumb_unpaired}).</li>
 *   <li><b>Flags</b> (one group per prompt): every unflagged sibling ≻ every flagged response. The
 *       siblings are all responses to the same prompt (same {@code promptId}) that appear in any
 *       feedback of the batch. A flagged response with no unflagged sibling is kept as an
 *       {@link UnpairedLabel} of value −1 ({@code flag_unpaired}).</li>
 *   <li>A pair whose two texts are equal is dropped ({@code identical_text}); see
 *       {@link PairEncoder} for pairs that become equal after tokenisation and truncation.</li>
 * </ol>
 *
 * <p><b>Weights.</b> Every pair of a group over K responses weighs 1/C(K,2) (InstructGPT eq. 1),
 * where K counts the responses the group is about (the ranking's K; the scored, the non-neutral
 * thumbed, or the flagged plus unflagged responses of a prompt) <em>before</em> ties and drops remove
 * pairs. So a fully ordered group weighs 1 in total and a group with ties weighs less: a tie carries
 * no ordering information, and a ranking of 9 mostly tied responses should not count as much as a
 * strict one. (Normalising by the surviving pairs instead would give one surviving pair of a
 * 9-way ranking the weight of a whole strict ranking.)
 */
public final class ComparisonBuilder {

    /**
     * @param tiesAsSoftLabels keep tied pairs with label 0.5 instead of dropping them (default false)
     * @param scoreMarginScale margin per point of score difference, ≥ 0 (default 0: no margin)
     */
    public record Config(boolean tiesAsSoftLabels, double scoreMarginScale) {
        public Config {
            if (!(scoreMarginScale >= 0)) throw new IllegalArgumentException("scoreMarginScale " + scoreMarginScale + " must be >= 0");
        }

        public static Config defaults() {
            return new Config(false, 0.0);
        }
    }

    /** The comparisons in group order, the kept unpaired labels and the counters. */
    public record Result(List<Comparison> comparisons, List<UnpairedLabel> unpaired, ComparisonStats stats) {
        /** Number of distinct groups among the comparisons: the G of the Bradley-Terry loss. */
        public int groups() {
            return (int) comparisons.stream().map(Comparison::groupId).distinct().count();
        }
    }

    private final Config config;

    public ComparisonBuilder(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Builds comparisons from a batch of feedback; counters go to a fresh stats object. */
    public Result build(List<? extends Feedback> feedback) {
        return build(feedback, new ComparisonStats());
    }

    /** As {@link #build(List)}, adding to {@code stats}. */
    public Result build(List<? extends Feedback> feedback, ComparisonStats stats) {
        Map<String, PromptFeedback> byPrompt = new LinkedHashMap<>();
        for (Feedback f : feedback) {
            PromptFeedback p = byPrompt.computeIfAbsent(f.promptId(), id -> new PromptFeedback(id, f.prompt()));
            if (!p.prompt.equals(f.prompt())) {
                throw new IllegalArgumentException("prompt id " + f.promptId() + " carries two different prompt texts");
            }
            p.add(f);
        }
        List<Comparison> out = new ArrayList<>();
        List<UnpairedLabel> unpaired = new ArrayList<>();
        for (PromptFeedback p : byPrompt.values()) {
            for (int i = 0; i < p.rankings.size(); i++) {
                stats.increment(ComparisonStats.RANKINGS);
                addRanking(p.rankings.get(i), "ranking:" + p.promptId + ":" + i, out, stats);
            }
            addScores(p, out, unpaired, stats);
            addThumbs(p, out, unpaired, stats);
            addFlags(p, out, unpaired, stats);
        }
        stats.add(ComparisonStats.COMPARISONS, out.size());
        stats.add(ComparisonStats.SOFT_LABEL_COMPARISONS, out.stream().filter(Comparison::isTie).count());
        stats.add(ComparisonStats.GROUPS, out.stream().map(Comparison::groupId).distinct().count());
        stats.add(ComparisonStats.UNPAIRED_LABELS, unpaired.size());
        return new Result(List.copyOf(out), List.copyOf(unpaired), stats);
    }

    private static double pairWeight(int k) {
        return 2.0 / ((double) k * (k - 1));
    }

    private void addRanking(Ranking r, String groupId, List<Comparison> out, ComparisonStats stats) {
        if (r.tiers().size() == 1) {
            stats.increment(ComparisonStats.ALL_TIE_RANKING);
            return;
        }
        Map<String, Response> byId = new LinkedHashMap<>();
        r.responses().forEach(x -> byId.put(x.id(), x));
        double w = pairWeight(r.responses().size());
        List<List<String>> tiers = r.tiers();
        for (int i = 0; i < tiers.size(); i++) {
            List<String> tier = tiers.get(i);
            for (int a = 0; a < tier.size(); a++) {
                for (int b = a + 1; b < tier.size(); b++) {
                    tie(groupId, r.prompt(), byId.get(tier.get(a)), byId.get(tier.get(b)), w, out, stats);
                }
            }
            for (int j = i + 1; j < tiers.size(); j++) {
                for (String better : tier) {
                    for (String worse : tiers.get(j)) {
                        pair(groupId, r.prompt(), byId.get(better), byId.get(worse), w, 0.0, out, stats);
                    }
                }
            }
        }
    }

    private void addScores(PromptFeedback p, List<Comparison> out, List<UnpairedLabel> unpaired, ComparisonStats stats) {
        if (p.scores.isEmpty()) return;
        stats.add(ComparisonStats.SCORES, p.scores.size());
        Map<String, Response> responses = new LinkedHashMap<>();
        Map<String, double[]> sums = new LinkedHashMap<>(); // id → {sum, count}
        for (Score s : p.scores) {
            responses.putIfAbsent(s.response().id(), s.response());
            double[] acc = sums.computeIfAbsent(s.response().id(), id -> new double[2]);
            acc[0] += s.value();
            acc[1]++;
        }
        List<String> ids = new ArrayList<>(responses.keySet());
        double[] mean = ids.stream().mapToDouble(id -> sums.get(id)[0] / sums.get(id)[1]).toArray();
        if (ids.size() == 1) {
            stats.increment(ComparisonStats.SCORE_UNPAIRED);
            unpaired.add(new UnpairedLabel(p.promptId, p.prompt, responses.get(ids.get(0)), mean[0], "score"));
            return;
        }
        boolean allTie = true;
        for (double m : mean) allTie &= m == mean[0];
        if (allTie) {
            stats.increment(ComparisonStats.ALL_TIE_SCORES);
            return;
        }
        String groupId = "scores:" + p.promptId;
        double w = pairWeight(ids.size());
        for (int a = 0; a < ids.size(); a++) {
            for (int b = a + 1; b < ids.size(); b++) {
                Response ra = responses.get(ids.get(a));
                Response rb = responses.get(ids.get(b));
                double d = mean[a] - mean[b];
                if (d == 0) {
                    tie(groupId, p.prompt, ra, rb, w, out, stats);
                } else if (d > 0) {
                    pair(groupId, p.prompt, ra, rb, w, d * config.scoreMarginScale(), out, stats);
                } else {
                    pair(groupId, p.prompt, rb, ra, w, -d * config.scoreMarginScale(), out, stats);
                }
            }
        }
    }

    private void addThumbs(PromptFeedback p, List<Comparison> out, List<UnpairedLabel> unpaired, ComparisonStats stats) {
        if (p.thumbs.isEmpty()) return;
        stats.add(ComparisonStats.THUMBS, p.thumbs.size());
        Map<String, Response> responses = new LinkedHashMap<>();
        Map<String, Integer> net = new LinkedHashMap<>();
        for (Thumb t : p.thumbs) {
            responses.putIfAbsent(t.response().id(), t.response());
            net.merge(t.response().id(), t.up() ? 1 : -1, Integer::sum);
        }
        List<Response> liked = new ArrayList<>();
        List<Response> disliked = new ArrayList<>();
        net.forEach((id, n) -> {
            if (n > 0) liked.add(responses.get(id));
            else if (n < 0) disliked.add(responses.get(id));
            else stats.increment(ComparisonStats.THUMB_NET_ZERO);
        });
        if (liked.isEmpty() || disliked.isEmpty()) {
            for (Response r : liked.isEmpty() ? disliked : liked) {
                stats.increment(ComparisonStats.THUMB_UNPAIRED);
                unpaired.add(new UnpairedLabel(p.promptId, p.prompt, r, net.get(r.id()), "thumb"));
            }
            return;
        }
        double w = pairWeight(liked.size() + disliked.size());
        for (Response up : liked) {
            for (Response down : disliked) {
                pair("thumbs:" + p.promptId, p.prompt, up, down, w, 0.0, out, stats);
            }
        }
    }

    private void addFlags(PromptFeedback p, List<Comparison> out, List<UnpairedLabel> unpaired, ComparisonStats stats) {
        if (p.flags.isEmpty()) return;
        stats.add(ComparisonStats.FLAGS, p.flags.size());
        Map<String, Response> flagged = new LinkedHashMap<>();
        p.flags.forEach(f -> flagged.putIfAbsent(f.response().id(), f.response()));
        List<Response> clean = p.allResponses.values().stream().filter(r -> !flagged.containsKey(r.id())).toList();
        if (clean.isEmpty()) {
            for (Response r : flagged.values()) {
                stats.increment(ComparisonStats.FLAG_UNPAIRED);
                unpaired.add(new UnpairedLabel(p.promptId, p.prompt, r, -1, "flag"));
            }
            return;
        }
        double w = pairWeight(clean.size() + flagged.size());
        for (Response good : clean) {
            for (Response bad : flagged.values()) {
                pair("flags:" + p.promptId, p.prompt, good, bad, w, 0.0, out, stats);
            }
        }
    }

    private void tie(String groupId, String prompt, Response a, Response b, double w,
                     List<Comparison> out, ComparisonStats stats) {
        if (!config.tiesAsSoftLabels()) {
            stats.increment(ComparisonStats.TIED_PAIR);
            return;
        }
        if (a.text().equals(b.text())) {
            stats.increment(ComparisonStats.IDENTICAL_TEXT);
            return;
        }
        out.add(new Comparison(groupId, prompt, a.text(), b.text(), w, 0.0, 0.5));
    }

    private static void pair(String groupId, String prompt, Response better, Response worse, double w, double margin,
                             List<Comparison> out, ComparisonStats stats) {
        if (better.text().equals(worse.text())) {
            stats.increment(ComparisonStats.IDENTICAL_TEXT);
            return;
        }
        out.add(new Comparison(groupId, prompt, better.text(), worse.text(), w, margin, 1.0));
    }

    /** All feedback on one prompt, and every response seen for it (the siblings of a flag). */
    private static final class PromptFeedback {
        final String promptId;
        final String prompt;
        final List<Ranking> rankings = new ArrayList<>();
        final List<Score> scores = new ArrayList<>();
        final List<Thumb> thumbs = new ArrayList<>();
        final List<Flag> flags = new ArrayList<>();
        final Map<String, Response> allResponses = new LinkedHashMap<>();

        PromptFeedback(String promptId, String prompt) {
            this.promptId = promptId;
            this.prompt = prompt;
        }

        void add(Feedback f) {
            // Java 17: no pattern switch yet
            if (f instanceof Ranking r) {
                rankings.add(r);
                r.responses().forEach(x -> allResponses.putIfAbsent(x.id(), x));
            } else if (f instanceof Score s) {
                scores.add(s);
                allResponses.putIfAbsent(s.response().id(), s.response());
            } else if (f instanceof Thumb t) {
                thumbs.add(t);
                allResponses.putIfAbsent(t.response().id(), t.response());
            } else if (f instanceof Flag g) {
                flags.add(g);
                allResponses.putIfAbsent(g.response().id(), g.response());
            }
        }
    }
}
