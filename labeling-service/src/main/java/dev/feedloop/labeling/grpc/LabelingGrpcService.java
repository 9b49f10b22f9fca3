package dev.feedloop.labeling.grpc;

import com.google.protobuf.Timestamp;
import dev.feedloop.contracts.labeling.v1.MutinyLabelingGrpc;
import dev.feedloop.contracts.labeling.v1.NextTaskRequest;
import dev.feedloop.contracts.labeling.v1.NextTaskResponse;
import dev.feedloop.contracts.labeling.v1.SubmitFeedbackRequest;
import dev.feedloop.contracts.labeling.v1.SubmitFeedbackResponse;
import dev.feedloop.contracts.labeling.v1.TaskResponse;
import dev.feedloop.labeling.auth.Caller;
import dev.feedloop.labeling.feedback.FeedbackError;
import dev.feedloop.labeling.feedback.FeedbackIntake;
import dev.feedloop.labeling.task.Task;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * gRPC {@code feedloop.labeling.v1.Labeling}: NextTask and SubmitFeedback over {@link FeedbackIntake}.
 * Blocking: SubmitFeedback waits for the broker's acknowledgement.
 */
@GrpcService
public class LabelingGrpcService extends MutinyLabelingGrpc.LabelingImplBase {

    @Inject
    FeedbackIntake intake;

    @Inject
    Clock clock;

    @Override
    @Blocking
    public Uni<NextTaskResponse> nextTask(NextTaskRequest request) {
        return call(() -> {
            NextTaskResponse.Builder response = NextTaskResponse.newBuilder();
            intake.next(caller(), clock.instant()).ifPresent(task -> response.setTask(toProto(task)));
            return response.build();
        });
    }

    @Override
    @Blocking
    public Uni<SubmitFeedbackResponse> submitFeedback(SubmitFeedbackRequest request) {
        return call(() -> {
            FeedbackIntake.Result result = intake.submit(caller(), request, clock.instant());
            return SubmitFeedbackResponse.newBuilder().setAccepted(true).setDuplicate(result.duplicate())
                    .setEventId(result.eventId()).build();
        });
    }

    private static <T> Uni<T> call(Supplier<T> body) {
        try {
            return Uni.createFrom().item(body.get());
        } catch (FeedbackError e) {
            return Uni.createFrom().failure(GrpcErrors.status(e).asRuntimeException());
        }
    }

    private static Caller caller() {
        Caller caller = AuthInterceptor.CALLER.get();
        if (caller == null) {  // the interceptor did not run: never serve anonymously
            throw new FeedbackError(FeedbackError.Code.UNAUTHENTICATED, "authorization", "no authenticated caller");
        }
        return caller;
    }

    private static dev.feedloop.contracts.labeling.v1.Task toProto(Task task) {
        var proto = dev.feedloop.contracts.labeling.v1.Task.newBuilder()
                .setTaskId(task.taskId()).setRolloutId(task.rolloutId()).setPromptId(task.promptId())
                .setPromptText(task.promptText())
                .setLeaseExpiresAt(Timestamp.newBuilder().setSeconds(task.leaseExpiresAt().getEpochSecond())
                        .setNanos(task.leaseExpiresAt().getNano()));
        for (Task.TaskResponse r : task.responses()) {
            proto.addResponses(TaskResponse.newBuilder().setResponseId(r.responseId()).setText(r.text()));
        }
        return proto.build();
    }
}
