package dev.feedloop.cli.imports;

import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.Flag;
import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Thumb;
import dev.feedloop.contracts.events.v1.Tier;
import dev.feedloop.ml.preference.ComparisonStats;
import dev.feedloop.ml.preference.Feedback;
import dev.feedloop.ml.preference.OasstLoader;
import dev.feedloop.ml.preference.Ranking;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAssistant message trees (either bundled layout) → events, through {@link OasstLoader}. Per
 * prompter message whose assistant replies carry feedback:
 * <ul>
 *   <li>one {@code RolloutGenerated}: prompt = the thread up to that message as a transcript,
 *       prompt_id = {@code oasst:<message_id>}; responses = the ranked replies when the sibling
 *       group was ranked, otherwise the replies that got reactions; response_id = the reply's own
 *       {@code message_id};</li>
 *   <li>one {@code Ranking} event when the siblings were ranked: the dataset's ranks as tiers
 *       (0 = best; equal ranks share a tier), covering exactly the rollout's responses;</li>
 *   <li>one {@code Thumb} event per {@code +1} (up) and per {@code -1} (down) reaction, and one
 *       {@code Flag} (category {@code red_flag}) per red-flag reaction, on the reply reacted to.</li>
 * </ul>
 * A reaction on an unranked reply of a ranked group would name a response outside the rollout: it
 * is dropped and counted as {@value #REACTION_OUTSIDE_RANKING}. Annotator {@value #ANNOTATOR} (the
 * dataset's annotators are anonymous). rollout_id = {@code oasst:} + uuid(prompt message id,
 * response ids); event ids = uuid(rollout_id, kind, response, n-th reaction), so the tree export and
 * the message export of the same trees map to the same events.
 */
public final class OasstImport {
    static final String ANNOTATOR = "import:oasst";
    static final String PREFIX = "oasst:";
    static final String REACTION_OUTSIDE_RANKING = "import_reaction_outside_ranking";

    private OasstImport() {}

    public static ImportBatch read(Path file, Instant createdAt) {
        ComparisonStats stats = new ComparisonStats();
        List<Ranking> rankings = OasstLoader.loadRankings(file, stats);
        ComparisonStats reactionStats = new ComparisonStats();
        List<Feedback> reactions = OasstLoader.loadReactions(file, reactionStats);
        // both passes count the trees and the deleted messages; keep the reaction counters only
        reactionStats.asMap().forEach((k, v) -> {
            if (!k.equals(ComparisonStats.OASST_TREES) && !k.equals(ComparisonStats.OASST_DELETED)) {
                stats.add(k, v);
            }
        });
        return map(rankings, reactions, createdAt, stats);
    }

    static ImportBatch map(List<Ranking> rankings, List<Feedback> reactions, Instant createdAt, ComparisonStats stats) {
        Map<String, Prompt> prompts = new LinkedHashMap<>();
        for (Ranking r : rankings) {
            Prompt p = prompts.computeIfAbsent(r.promptId(), id -> new Prompt(id, r.prompt()));
            p.ranking = r;
            r.responses().forEach(x -> p.responses.putIfAbsent(x.id(), x.text()));
        }
        for (Feedback f : reactions) {
            Prompt p = prompts.computeIfAbsent(f.promptId(), id -> new Prompt(id, f.prompt()));
            dev.feedloop.ml.preference.Response response = f instanceof dev.feedloop.ml.preference.Thumb t
                    ? t.response() : ((dev.feedloop.ml.preference.Flag) f).response();
            if (p.ranking != null && !p.responses.containsKey(response.id())) {
                stats.increment(REACTION_OUTSIDE_RANKING);
                continue;
            }
            p.responses.putIfAbsent(response.id(), response.text());
            p.reactions.add(f);
        }
        List<RolloutGenerated> rollouts = new ArrayList<>();
        List<FeedbackRecorded> feedback = new ArrayList<>();
        for (Prompt p : prompts.values()) {
            if (p.responses.isEmpty()) {
                continue;
            }
            List<String> ids = new ArrayList<>(p.responses.keySet());
            String rolloutId = PREFIX + ImportIds.uuid("oasst/rollout", p.id, String.join(",", ids));
            List<Response> responses = new ArrayList<>();
            p.responses.forEach((id, text) -> responses.add(ImportEvents.response(id, text)));
            RolloutGenerated rollout = ImportEvents.rollout(rolloutId, PREFIX + p.id, p.prompt, responses, createdAt);
            rollouts.add(rollout);
            if (p.ranking != null) {
                dev.feedloop.contracts.events.v1.Ranking.Builder ranking = dev.feedloop.contracts.events.v1.Ranking.newBuilder();
                for (List<String> tier : p.ranking.tiers()) {
                    ranking.addTiers(Tier.newBuilder().addAllResponseIds(tier));
                }
                feedback.add(ImportEvents.feedback(rollout, ANNOTATOR, createdAt)
                        .setEventId(ImportIds.uuid("event/feedback", rolloutId, "ranking"))
                        .setRanking(ranking)
                        .build());
            }
            Map<String, Integer> nth = new LinkedHashMap<>();
            for (Feedback f : p.reactions) {
                FeedbackRecorded.Builder event = ImportEvents.feedback(rollout, ANNOTATOR, createdAt);
                String responseId;
                String kind;
                if (f instanceof dev.feedloop.ml.preference.Thumb t) {
                    responseId = t.response().id();
                    kind = t.up() ? "thumb-up" : "thumb-down";
                    event.setThumb(Thumb.newBuilder().setResponseId(responseId).setUp(t.up()));
                } else {
                    dev.feedloop.ml.preference.Flag g = (dev.feedloop.ml.preference.Flag) f;
                    responseId = g.response().id();
                    kind = "flag";
                    event.setFlag(Flag.newBuilder().setResponseId(responseId).setCategory(g.reason()));
                }
                int n = nth.merge(responseId + "/" + kind, 1, Integer::sum);
                feedback.add(event.setEventId(ImportIds.uuid("event/feedback", rolloutId, kind, responseId,
                        Integer.toString(n))).build());
            }
        }
        return new ImportBatch(rollouts, feedback, stats);
    }

    /** All feedback on one prompter message's replies. */
    private static final class Prompt {
        final String id;
        final String prompt;
        final Map<String, String> responses = new LinkedHashMap<>();
        final List<Feedback> reactions = new ArrayList<>();
        Ranking ranking;

        Prompt(String id, String prompt) {
            this.id = id;
            this.prompt = prompt;
        }
    }
}
