package dev.feedloop.labeling;

import com.google.protobuf.Timestamp;
import dev.feedloop.contracts.events.v1.FinishReason;
import dev.feedloop.contracts.events.v1.Response;
import dev.feedloop.contracts.events.v1.RolloutGenerated;
import dev.feedloop.contracts.events.v1.Source;
import java.util.UUID;

/** Test events. */
public final class Fixtures {

    private Fixtures() {
    }

    /** A rollout with {@code k} responses {@code <rolloutId>/0 … /k-1}. */
    public static RolloutGenerated rollout(String rolloutId, int k, Source source) {
        RolloutGenerated.Builder rollout = RolloutGenerated.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setCreatedAt(Timestamp.newBuilder().setSeconds(1_700_000_000L))
                .setRolloutId(rolloutId)
                .setPromptId("prompt-" + rolloutId)
                .setPromptText("Once upon a time")
                .addPromptTokens(1).addPromptTokens(2)
                .setPolicyVersion(3)
                .setSource(source);
        for (int i = 0; i < k; i++) {
            rollout.addResponses(Response.newBuilder().setResponseId(rolloutId + "/" + i).setText("story " + i)
                    .addTokenIds(10 + i).addLogprobs(-0.5f).setFinishReason(FinishReason.EOS));
        }
        return rollout.build();
    }

    public static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }
}
