package dev.feedloop.cli.panel;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated panel's hidden preference: <b>kind stories, in which someone helps, shares, thanks,
 * hugs, gives or makes a friend, without repeated sentences</b>. The services never see this class;
 * they only see the rankings and scores that noisy annotators derive from it, so the loop has to
 * learn it from feedback, as it would from people.
 *
 * <p>Utility of a response (higher is better):
 * <pre>
 *   u = min(kind words, 2)               kind words: help(s|ed|ing|ful), share(s|d), sharing,
 *                                                    together, thank(s|ed), kind, friend(s), hug(s|ged),
 *                                                    give(s), gave, care(s|d), sorry
 *     − 1.0 · repeated sentences         a sentence (split on . ! ?, case and spacing ignored,
 *                                        at least 3 words) already said earlier in the response
 *     − 0.5 if the response is empty     nothing to read
 * </pre>
 * Each kind word counts once per distinct word form, so "help help help" is worth no more than
 * "help", and the cap keeps a list of kind words from being the best story. The vocabulary is wide
 * on purpose. In 256 continuations of 48 tokens by stories260K (64 TinyStories first sentences × 4,
 * seed 7), the help/share/together/thank/kind words alone appeared in 19 (7%), and only 49 of 384
 * pairs (13%) differed in utility; the added words appeared 40 more times (friends 18, friend 10,
 * hug 4, give 3, gave 2, care 2, sorry 1; responses with several not deduplicated), so up to about
 * a fifth of responses now carry the preference instead of most pairs being ties that teach nothing.
 */
public final class HiddenPreference {
    static final Pattern HELPING = Pattern.compile(
            "\\b(help|helps|helped|helping|helpful|share|shares|shared|sharing|together|thank|thanks|thanked|kind"
                    + "|friend|friends|hug|hugs|hugged|give|gives|gave|care|cares|cared|sorry)\\b",
            Pattern.CASE_INSENSITIVE);
    static final Pattern SENTENCE_END = Pattern.compile("[.!?]+");
    static final int MIN_SENTENCE_WORDS = 3;
    static final int HELPING_CAP = 2;
    static final double REPEAT_PENALTY = 1.0;
    static final double EMPTY_PENALTY = 0.5;

    private HiddenPreference() {}

    /** The utility of one response; see the class comment. */
    public static double utility(String response) {
        if (response == null || response.isBlank()) {
            return -EMPTY_PENALTY;
        }
        return Math.min(helpingWords(response), HELPING_CAP) - REPEAT_PENALTY * repeatedSentences(response);
    }

    /** Distinct helping word forms in the text. */
    public static int helpingWords(String text) {
        Set<String> forms = new HashSet<>();
        Matcher m = HELPING.matcher(text);
        while (m.find()) {
            forms.add(m.group(1).toLowerCase(Locale.ROOT));
        }
        return forms.size();
    }

    /** Sentences of at least 3 words that repeat an earlier sentence of the same text. */
    public static int repeatedSentences(String text) {
        Set<String> seen = new HashSet<>();
        int repeats = 0;
        for (String sentence : SENTENCE_END.split(text)) {
            String normal = sentence.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 ]", " ").trim().replaceAll("\\s+", " ");
            if (normal.isEmpty() || normal.split(" ").length < MIN_SENTENCE_WORDS) {
                continue;
            }
            if (!seen.add(normal)) {
                repeats++;
            }
        }
        return repeats;
    }

    /**
     * Whether {@code a} is preferred to {@code b}: 1 a wins, 0 b wins, 0.5 a tie. How the run judges
     * a policy version against the base policy on held-out prompts (the win rate).
     */
    public static double judge(String a, String b) {
        double ua = utility(a);
        double ub = utility(b);
        return ua > ub ? 1.0 : ua < ub ? 0.0 : 0.5;
    }
}
