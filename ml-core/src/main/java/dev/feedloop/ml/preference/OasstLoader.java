package dev.feedloop.ml.preference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads OpenAssistant (oasst1) message trees, one JSON tree per line. Two layouts are accepted: the
 * {@code *_tree.jsonl} export ({@code {"message_tree_id", "prompt": message}}) and the
 * {@code *_message.jsonl} form where the line is the root message itself; a message has
 * {@code message_id}, {@code role} ("prompter" | "assistant"), {@code text}, {@code rank}
 * (0 = best, null = unranked), {@code deleted}, {@code emojis} ({name: count}) and {@code replies}.
 *
 * <p>A prompt is the thread from the root to the parent, rendered as an HH-RLHF transcript ending in
 * {@code "\n\nAssistant:"}; its promptId is the parent's {@code message_id}; a response is
 * {@code " " + text} with the message's id.
 *
 * <p>Rankings ({@link #loadRankings}): per parent, the assistant replies with a non-null rank form
 * one {@link Ranking} (equal ranks share a tier) when there are at least 2 of them. Replies with a
 * null rank are left out of it ({@code oasst_unranked_reply}); a group of ≥ 2 assistant siblings with
 * fewer than 2 ranks gives nothing ({@code oasst_unranked_group}). Deleted messages and their
 * subtrees are skipped ({@code oasst_deleted}).
 *
 * <p>Reactions ({@link #loadReactions}): on an assistant reply, each {@code "+1"} is one
 * {@link Thumb} up, each {@code "-1"} one thumb down, each {@code "red_flag"} one {@link Flag};
 * other emojis ({@code _skip_reply}, …) are workflow markers and are ignored. Reactions on prompter
 * messages are not on a response and are only counted ({@code oasst_prompter_reactions}). Counts are
 * read whether stored as JSON numbers (as in the bundled files) or as strings.
 */
public final class OasstLoader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ASSISTANT = "assistant";

    private OasstLoader() {}

    /** Sibling rankings of assistant replies. */
    public static List<Ranking> loadRankings(Path file, ComparisonStats stats) {
        List<Ranking> out = new ArrayList<>();
        forEachMessage(file, stats, (before, parentId, message) -> {
            if (ASSISTANT.equals(message.path("role").asText())) return;
            List<JsonNode> assistantReplies = new ArrayList<>();
            for (JsonNode r : message.path("replies")) {
                if (ASSISTANT.equals(r.path("role").asText()) && !r.path("deleted").asBoolean(false)) assistantReplies.add(r);
            }
            if (assistantReplies.size() < 2) return;
            TreeMap<Integer, List<String>> tiers = new TreeMap<>();
            List<Response> responses = new ArrayList<>();
            int unranked = 0;
            for (JsonNode r : assistantReplies) {
                JsonNode rank = r.get("rank");
                if (rank == null || rank.isNull()) {
                    unranked++;
                    continue;
                }
                Response resp = response(r);
                responses.add(resp);
                tiers.computeIfAbsent(intValue(rank), k -> new ArrayList<>()).add(resp.id());
            }
            if (responses.size() < 2) {
                stats.increment(ComparisonStats.OASST_UNRANKED_GROUP);
                return;
            }
            stats.add(ComparisonStats.OASST_UNRANKED_REPLY, unranked);
            stats.add(ComparisonStats.OASST_RANKED_REPLIES, responses.size());
            stats.increment(ComparisonStats.OASST_RANKINGS);
            String prompt = before + Transcript.human(message.path("text").asText()) + Transcript.ASSISTANT;
            out.add(new Ranking(message.path("message_id").asText(), prompt, responses, new ArrayList<>(tiers.values())));
        });
        return out;
    }

    /** Thumbs and flags from emoji reactions on assistant replies. */
    public static List<Feedback> loadReactions(Path file, ComparisonStats stats) {
        List<Feedback> out = new ArrayList<>();
        forEachMessage(file, stats, (before, parentId, message) -> {
            JsonNode emojis = message.get("emojis");
            if (emojis == null || !emojis.isObject()) return;
            int up = intValue(emojis.get("+1"));
            int down = intValue(emojis.get("-1"));
            int flags = intValue(emojis.get("red_flag"));
            if (!ASSISTANT.equals(message.path("role").asText()) || parentId == null) {
                stats.add(ComparisonStats.OASST_PROMPTER_REACTIONS, up + down + flags);
                return;
            }
            String prompt = before + Transcript.ASSISTANT;
            Response resp = response(message);
            for (int i = 0; i < up; i++) out.add(new Thumb(parentId, prompt, resp, true));
            for (int i = 0; i < down; i++) out.add(new Thumb(parentId, prompt, resp, false));
            for (int i = 0; i < flags; i++) out.add(new Flag(parentId, prompt, resp, "red_flag"));
            stats.add(ComparisonStats.OASST_THUMBS_UP, up);
            stats.add(ComparisonStats.OASST_THUMBS_DOWN, down);
            stats.add(ComparisonStats.OASST_RED_FLAGS, flags);
        });
        return out;
    }

    private static Response response(JsonNode message) {
        return new Response(message.path("message_id").asText(), Transcript.reply(message.path("text").asText()));
    }

    /** A count or rank stored as a number or as a numeric string; 0 when absent. */
    private static int intValue(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) return 0;
        if (n.isNumber()) return n.intValue();
        if (n.isTextual()) return Integer.parseInt(n.asText().trim());
        throw new IllegalArgumentException("expected a number, got " + n);
    }

    /** Sees one message with the transcript before it and its parent's id (null for a root). */
    private interface MessageVisitor {
        void visit(String transcriptBefore, String parentId, JsonNode message);
    }

    /** Visits every non-deleted message of every tree, depth first. */
    private static void forEachMessage(Path file, ComparisonStats stats, MessageVisitor visitor) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) continue;
                stats.increment(ComparisonStats.OASST_TREES);
                JsonNode tree = JSON.readTree(line);
                JsonNode root = tree.has("prompt") && tree.get("prompt").isObject() ? tree.get("prompt") : tree;
                walk(root, "", null, stats, visitor);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    private static void walk(JsonNode message, String before, String parentId, ComparisonStats stats, MessageVisitor visitor) {
        if (message.path("deleted").asBoolean(false)) {
            stats.increment(ComparisonStats.OASST_DELETED);
            return;
        }
        visitor.visit(before, parentId, message);
        String text = message.path("text").asText();
        String transcript = before + (ASSISTANT.equals(message.path("role").asText())
                ? Transcript.assistant(text) : Transcript.human(text));
        for (JsonNode reply : message.path("replies")) {
            walk(reply, transcript, message.path("message_id").asText(), stats, visitor);
        }
    }
}
