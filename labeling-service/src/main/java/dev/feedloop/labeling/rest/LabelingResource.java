package dev.feedloop.labeling.rest;

import dev.feedloop.labeling.auth.Caller;
import dev.feedloop.labeling.auth.TokenAuthenticator;
import dev.feedloop.labeling.feedback.FeedbackIntake;
import dev.feedloop.labeling.task.Task;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;

/**
 * REST (JSON) twin of the gRPC Labeling service, same rules and errors:
 * {@code GET /api/v1/tasks/next} (200 task, 204 none) and {@code POST /api/v1/feedback}
 * (200 {accepted, duplicate, eventId}). Errors: 400, 401, 403, 404, 413, 503 with an
 * {@link Json.ErrorJson} body naming the field. Runs on a worker thread (plain return types), so
 * waiting for the broker's acknowledgement does not block the event loop.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class LabelingResource {

    @Inject
    FeedbackIntake intake;

    @Inject
    TokenAuthenticator authenticator;

    @Inject
    Clock clock;

    @GET
    @Path("/tasks/next")
    public Response next(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Caller caller = authenticator.authenticate(authorization);
        return intake.next(caller, clock.instant())
                .map(task -> Response.ok(toJson(task)).build())
                .orElseGet(() -> Response.noContent().build());
    }

    @POST
    @Path("/feedback")
    @Consumes(MediaType.APPLICATION_JSON)
    public Json.ResultJson submit(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, Json.FeedbackJson body) {
        Caller caller = authenticator.authenticate(authorization);
        FeedbackIntake.Result result = intake.submit(caller, FeedbackRequests.toProto(body), clock.instant());
        return new Json.ResultJson(true, result.duplicate(), result.eventId());
    }

    private static Json.TaskJson toJson(Task task) {
        return new Json.TaskJson(task.taskId(), task.rolloutId(), task.promptId(), task.promptText(),
                task.responses().stream().map(r -> new Json.ResponseJson(r.responseId(), r.text())).toList(),
                task.leaseExpiresAt().toString());
    }
}
