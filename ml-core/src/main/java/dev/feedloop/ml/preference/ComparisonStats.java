package dev.feedloop.ml.preference;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Named counters of what the loaders, the builder and the encoder kept and dropped, so that every
 * input record is accounted for. Not thread-safe: one per pipeline run.
 */
public final class ComparisonStats {

    // builder: inputs
    public static final String RANKINGS = "rankings";
    public static final String SCORES = "scores";
    public static final String THUMBS = "thumbs";
    public static final String FLAGS = "flags";
    // builder: outputs
    public static final String GROUPS = "groups";
    public static final String COMPARISONS = "comparisons";
    public static final String SOFT_LABEL_COMPARISONS = "soft_label_comparisons";
    public static final String UNPAIRED_LABELS = "unpaired_labels";
    // builder: drops
    /** A pair of responses of equal rank or score, not kept because ties are not soft labels. */
    public static final String TIED_PAIR = "tied_pair";
    /** A ranking whose responses all share one tier: no comparison at all. */
    public static final String ALL_TIE_RANKING = "all_tie_ranking";
    /** A prompt's scores are all equal. */
    public static final String ALL_TIE_SCORES = "all_tie_scores";
    /** A pair whose two response texts are equal. */
    public static final String IDENTICAL_TEXT = "identical_text";
    public static final String SCORE_UNPAIRED = "score_unpaired";
    public static final String THUMB_UNPAIRED = "thumb_unpaired";
    /** A response whose ups and downs cancel. */
    public static final String THUMB_NET_ZERO = "thumb_net_zero";
    public static final String FLAG_UNPAIRED = "flag_unpaired";
    // encoder
    public static final String ENCODED_PAIRS = "encoded_pairs";
    public static final String IDENTICAL_AFTER_TRUNCATION = "identical_after_truncation";
    public static final String PROMPT_TRUNCATED = "prompt_truncated";
    public static final String RESPONSE_TRUNCATED = "response_truncated";
    // HH-RLHF loader
    public static final String HH_LINES = "hh_lines";
    public static final String HH_PAIRS = "hh_pairs";
    /** The transcripts differ before their last Assistant turn. */
    public static final String HH_CONTEXT_MISMATCH = "hh_context_mismatch";
    /** The shared prefix has no Assistant turn at all. */
    public static final String HH_NO_ASSISTANT_TURN = "hh_no_assistant_turn";
    /** Kept (see {@link HhRlhfLoader}), counted. */
    public static final String HH_EMPTY_CHOSEN = "hh_empty_chosen";
    public static final String HH_EMPTY_REJECTED = "hh_empty_rejected";
    // OpenAssistant loader
    public static final String OASST_TREES = "oasst_trees";
    public static final String OASST_RANKINGS = "oasst_rankings";
    public static final String OASST_RANKED_REPLIES = "oasst_ranked_replies";
    /** An assistant reply with rank null in a sibling group that was ranked. */
    public static final String OASST_UNRANKED_REPLY = "oasst_unranked_reply";
    /** A group of two or more assistant siblings with fewer than two ranks. */
    public static final String OASST_UNRANKED_GROUP = "oasst_unranked_group";
    public static final String OASST_DELETED = "oasst_deleted";
    public static final String OASST_THUMBS_UP = "oasst_thumbs_up";
    public static final String OASST_THUMBS_DOWN = "oasst_thumbs_down";
    public static final String OASST_RED_FLAGS = "oasst_red_flags";
    /** Reactions on a prompter (human) message: not on a response, so not feedback. */
    public static final String OASST_PROMPTER_REACTIONS = "oasst_prompter_reactions";

    private final Map<String, Long> counts = new TreeMap<>();

    public void add(String key, long n) {
        counts.merge(key, n, Long::sum);
    }

    public void increment(String key) {
        add(key, 1);
    }

    /** The counter, 0 when never touched. */
    public long get(String key) {
        return counts.getOrDefault(key, 0L);
    }

    public Map<String, Long> asMap() {
        return Collections.unmodifiableMap(counts);
    }

    public void addAll(ComparisonStats other) {
        other.counts.forEach(this::add);
    }

    @Override
    public String toString() {
        return counts.toString();
    }
}
