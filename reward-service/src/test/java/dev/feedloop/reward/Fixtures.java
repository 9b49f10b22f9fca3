package dev.feedloop.reward;

import dev.feedloop.contracts.events.v1.Comparison;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.Ranking;
import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Score;
import dev.feedloop.contracts.events.v1.Source;
import dev.feedloop.contracts.events.v1.Tier;
import dev.feedloop.ml.preference.HeldOutSplit;
import java.util.List;
import java.util.UUID;

/** Events for tests. Response ids are {@code <rollout id>/<index>}. */
public final class Fixtures {

    private Fixtures() {
    }

    public static RolloutGenerated rollout(String rolloutId, String prompt, String... responses) {
        RolloutGenerated.Builder b = RolloutGenerated.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setRolloutId(rolloutId).setPromptId("p-" + rolloutId)
                .setPromptText(prompt).setSource(Source.CURATED);
        for (int i = 0; i < responses.length; i++) {
            b.addResponses(Response.newBuilder().setResponseId(rolloutId + "/" + i).setText(responses[i]));
        }
        return b.build();
    }

    /** A strict ranking of the rollout's responses, best first, by index. */
    public static FeedbackRecorded ranking(String eventId, RolloutGenerated rollout, int... bestToWorst) {
        Ranking.Builder r = Ranking.newBuilder();
        for (int i : bestToWorst) {
            r.addTiers(Tier.newBuilder().addResponseIds(rollout.getResponses(i).getResponseId()));
        }
        return base(eventId, rollout).setRanking(r).build();
    }

    /** A ranking in tiers of response indices, best tier first; responses in one tier are tied. */
    public static FeedbackRecorded tiers(String eventId, RolloutGenerated rollout, int[]... tiers) {
        Ranking.Builder r = Ranking.newBuilder();
        for (int[] tier : tiers) {
            Tier.Builder t = Tier.newBuilder();
            for (int i : tier) {
                t.addResponseIds(rollout.getResponses(i).getResponseId());
            }
            r.addTiers(t);
        }
        return base(eventId, rollout).setRanking(r).build();
    }

    public static FeedbackRecorded score(String eventId, RolloutGenerated rollout, int response, int value) {
        return base(eventId, rollout).setScore(Score.newBuilder()
                .setResponseId(rollout.getResponses(response).getResponseId()).setValue(value)).build();
    }

    public static FeedbackRecorded comparison(String eventId, RolloutGenerated rollout, int a, int b,
            Comparison.Outcome outcome) {
        return base(eventId, rollout).setComparison(Comparison.newBuilder()
                .setResponseA(rollout.getResponses(a).getResponseId())
                .setResponseB(rollout.getResponses(b).getResponseId()).setOutcome(outcome)).build();
    }

    private static FeedbackRecorded.Builder base(String eventId, RolloutGenerated rollout) {
        return FeedbackRecorded.newBuilder().setEventId(eventId).setRolloutId(rollout.getRolloutId())
                .setPromptId(rollout.getPromptId()).setAnnotator("ann-1").setSource(Source.ANNOTATOR);
    }

    /** The first prompt {@code stem + " " + n} (n = 0, 1, …) on the requested side of the split. */
    public static String prompt(String stem, boolean heldOut, double fraction) {
        HeldOutSplit split = new HeldOutSplit(fraction);
        for (int n = 0; ; n++) {
            String p = stem + " " + n;
            if (split.isHeldOut(p) == heldOut) {
                return p;
            }
        }
    }

    public static List<String> responses(String... texts) {
        return List.of(texts);
    }
}
