package dev.feedloop.cli.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The run's prompts: the first sentence of each real TinyStories story (stories260K's own domain),
 * split by a hash of the sentence into training prompts (sent to the generator) and held-out prompts
 * (used only to measure each policy version's win rate), so that a prompt is never on both sides.
 *
 * @param train   prompts for the loop
 * @param heldOut prompts for measuring win rates
 */
public record PromptSet(List<String> train, List<String> heldOut) {
    /** Stories are separated by this line in the TinyStories text files. */
    static final String END_OF_TEXT = "<|endoftext|>";
    static final Pattern FIRST_SENTENCE = Pattern.compile("^\\s*(.+?[.!?])(?=\\s|$)", Pattern.DOTALL);
    static final int MAX_PROMPT_CHARS = 200;

    /** Reads {@code file}; {@code heldOutPercent} of the distinct first sentences (by hash) are held out. */
    public static PromptSet load(Path file, int heldOutPercent) throws IOException {
        if (heldOutPercent < 1 || heldOutPercent > 50) {
            throw new IllegalArgumentException("held-out share " + heldOutPercent + "% must be in 1…50");
        }
        Set<String> sentences = new LinkedHashSet<>();
        for (String story : Files.readString(file, StandardCharsets.UTF_8).split(Pattern.quote(END_OF_TEXT))) {
            firstSentence(story).ifPresent(sentences::add);
        }
        if (sentences.isEmpty()) {
            throw new IOException(file + " holds no story (stories are separated by " + END_OF_TEXT + " lines)");
        }
        List<String> train = new ArrayList<>();
        List<String> heldOut = new ArrayList<>();
        for (String s : sentences) {
            (bucket(s) < heldOutPercent ? heldOut : train).add(s);
        }
        return new PromptSet(List.copyOf(train), List.copyOf(heldOut));
    }

    /** The story's first sentence, whitespace collapsed; empty if it has none or it is too long. */
    static java.util.Optional<String> firstSentence(String story) {
        Matcher m = FIRST_SENTENCE.matcher(story);
        if (!m.find()) {
            return java.util.Optional.empty();
        }
        String s = m.group(1).replaceAll("\\s+", " ").strip();
        return s.length() > MAX_PROMPT_CHARS ? java.util.Optional.empty() : java.util.Optional.of(s);
    }

    /** 0…99 from the SHA-256 of the text: stable across runs and machines. */
    static int bucket(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            int v = ((h[0] & 0xff) << 8) | (h[1] & 0xff);
            return v % 100;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
