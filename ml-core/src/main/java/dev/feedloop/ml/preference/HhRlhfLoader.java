package dev.feedloop.ml.preference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads Anthropic HH-RLHF files (JSONL, gzip or plain): one {@code {"chosen": transcript,
 * "rejected": transcript}} per line, each a K = 2 {@link Ranking} chosen ≻ rejected.
 *
 * <p>Split: take the longest common prefix of the two transcripts and cut it at its last
 * {@code "\n\nAssistant:"}; the prompt is everything up to and including that marker, each response
 * the rest of its transcript (so prompt + response is the original transcript, byte for byte).
 *
 * <p>Decisions, each counted in {@link ComparisonStats}:
 * <ul>
 *   <li>A response that itself contains a {@code "\n\nHuman:"} or {@code "\n\nAssistant:"} turn
 *       means the transcripts differ before the last turn (real rows: one side has an extra
 *       exchange). Its "reply" would be a whole exchange, not comparable with the other side's
 *       single reply, so the row is dropped as {@code hh_context_mismatch}.</li>
 *   <li>A chosen reply that is empty (only whitespace) is <em>kept</em> and counted as
 *       {@code hh_empty_chosen}: in harmlessness data, saying nothing being preferred over a harmful
 *       reply is a real human judgement, and an EOS-only response is a valid sample for the reward
 *       model. Empty rejected replies are counted likewise.</li>
 *   <li>No {@code "\n\nAssistant:"} in the shared prefix: dropped as {@code hh_no_assistant_turn}.</li>
 * </ul>
 * Ids: promptId = {@code <source>:<line>} (1-based), responses {@code <promptId>:chosen|rejected}.
 */
public final class HhRlhfLoader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HhRlhfLoader() {}

    /** @param source a short name for ids, e.g. "hh-rlhf/harmless-base-test" */
    public static List<Ranking> load(Path file, String source, ComparisonStats stats) {
        List<Ranking> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                stats.increment(ComparisonStats.HH_LINES);
                JsonNode row = JSON.readTree(line);
                Ranking r = parse(source + ":" + lineNo, text(row, "chosen", file, lineNo), text(row, "rejected", file, lineNo), stats);
                if (r != null) out.add(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        return out;
    }

    /** One row; null when dropped (counted). */
    static Ranking parse(String promptId, String chosen, String rejected, ComparisonStats stats) {
        int common = commonPrefixLength(chosen, rejected);
        int cut = chosen.lastIndexOf(Transcript.ASSISTANT, common - Transcript.ASSISTANT.length());
        if (cut < 0) {
            stats.increment(ComparisonStats.HH_NO_ASSISTANT_TURN);
            return null;
        }
        int end = cut + Transcript.ASSISTANT.length();
        String prompt = chosen.substring(0, end);
        String chosenReply = chosen.substring(end);
        String rejectedReply = rejected.substring(end);
        if (hasTurn(chosenReply) || hasTurn(rejectedReply)) {
            stats.increment(ComparisonStats.HH_CONTEXT_MISMATCH);
            return null;
        }
        if (chosenReply.isBlank()) stats.increment(ComparisonStats.HH_EMPTY_CHOSEN);
        if (rejectedReply.isBlank()) stats.increment(ComparisonStats.HH_EMPTY_REJECTED);
        stats.increment(ComparisonStats.HH_PAIRS);
        return Ranking.ordered(promptId, prompt, List.of(
                new Response(promptId + ":chosen", chosenReply), new Response(promptId + ":rejected", rejectedReply)));
    }

    private static boolean hasTurn(String reply) {
        return reply.contains(Transcript.HUMAN) || reply.contains(Transcript.ASSISTANT);
    }

    private static int commonPrefixLength(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) i++;
        return i;
    }

    private static String text(JsonNode row, String field, Path file, int lineNo) {
        JsonNode n = row.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException(file + ":" + lineNo + ": field \"" + field + "\" is missing or not text");
        }
        return n.asText();
    }
}
