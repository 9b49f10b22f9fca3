package dev.feedloop.cli.imports;

import com.google.protobuf.Timestamp;
import dev.feedloop.contracts.events.v1.FeedbackRecorded;
import dev.feedloop.contracts.events.v1.FinishReason;
import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Source;
import java.time.Instant;
import java.util.List;

/**
 * The parts every imported event shares.
 *
 * <p>An imported rollout is not a sample of any policy: {@code policy_version} is
 * {@value #NO_POLICY}, and it carries text only. Token ids and behaviour log-probs are left empty
 * on purpose: log-probs of a policy that did not write the text do not exist, token ids belong to
 * one tokenizer while the text serves any (the reward model tokenises the text with its own), and
 * a rollout with token ids but no log-probs would break the contract "one log-prob per token id".
 * The finish reason is unspecified (the dataset does not say). Prompt and response texts follow
 * ml-core's transcript convention: the prompt ends with {@code "\n\nAssistant:"} and prompt +
 * response is the whole transcript.
 */
final class ImportEvents {
    /** {@code policy_version} of an imported rollout: written by no policy. */
    static final long NO_POLICY = -1;

    private ImportEvents() {}

    static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    /** One response of an imported rollout: id and text, nothing a policy would have recorded. */
    static Response response(String id, String text) {
        return Response.newBuilder().setResponseId(id).setText(text)
                .setFinishReason(FinishReason.FINISH_REASON_UNSPECIFIED).build();
    }

    static RolloutGenerated rollout(String rolloutId, String promptId, String prompt, List<Response> responses,
            Instant createdAt) {
        return RolloutGenerated.newBuilder()
                .setEventId(ImportIds.uuid("event/rollout", rolloutId))
                .setCreatedAt(timestamp(createdAt))
                .setRolloutId(rolloutId)
                .setPromptId(promptId)
                .setPromptText(prompt)
                .addAllResponses(responses)
                .setPolicyVersion(NO_POLICY)
                .setSource(Source.IMPORT)
                .build();
    }

    /** Feedback on {@code rollout} without its kind: the caller sets one and the event id. */
    static FeedbackRecorded.Builder feedback(RolloutGenerated rollout, String annotator, Instant createdAt) {
        return FeedbackRecorded.newBuilder()
                .setCreatedAt(timestamp(createdAt))
                .setRolloutId(rollout.getRolloutId())
                .setPromptId(rollout.getPromptId())
                .setAnnotator(annotator)
                .setSource(Source.IMPORT);
    }
}
