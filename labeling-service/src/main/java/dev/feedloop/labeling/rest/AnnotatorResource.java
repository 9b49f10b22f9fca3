package dev.feedloop.labeling.rest;

import dev.feedloop.labeling.annotators.AgreementTracker;
import dev.feedloop.labeling.annotators.AnnotatorHistory;
import dev.feedloop.labeling.auth.Caller;
import dev.feedloop.labeling.auth.TokenAuthenticator;
import dev.feedloop.labeling.feedback.FeedbackIntake;
import dev.feedloop.labeling.task.TaskQueue;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.List;

/**
 * What the labeling page needs beside tasks and feedback: who a token is ({@code GET /api/v1/me}),
 * the queue's counts for an annotator ({@code GET /api/v1/queue/stats}), handing a task back
 * ({@code POST /api/v1/tasks/{taskId}/release}, or {@code .../skip} never to get it again), the caller's own history ({@code GET /api/v1/history})
 * and, for the admin token only, the agreement between annotators ({@code GET /api/v1/agreement}).
 * Errors as in {@link LabelingResource}.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class AnnotatorResource {

    /** GET /api/v1/me. role: annotator, simulated, production or admin. */
    public record MeJson(String name, String role) {
    }

    /** GET /api/v1/history: the caller's feedback, newest first. */
    public record HistoryJson(String annotator, List<AnnotatorHistory.Entry> entries) {
    }

    /** POST /api/v1/tasks/{taskId}/release and /skip. released: false when the caller held no lease on it (it had expired, say). */
    public record ReleaseJson(String taskId, boolean released) {
    }

    @Inject
    TokenAuthenticator authenticator;

    @Inject
    FeedbackIntake intake;

    @Inject
    AnnotatorHistory history;

    @Inject
    AgreementTracker agreement;

    @Inject
    Clock clock;

    @GET
    @Path("/me")
    public MeJson me(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        if (authenticator.isAdmin(authorization)) {
            return new MeJson("admin", "admin");
        }
        Caller caller = authenticator.authenticate(authorization);
        return new MeJson(caller.name(), caller.source().name().toLowerCase());
    }

    @GET
    @Path("/queue/stats")
    public TaskQueue.Stats stats(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return intake.stats(authenticator.authenticate(authorization));
    }

    /** The annotator is leaving (page closed, signed out): the task goes back; they may get it again. */
    @POST
    @Path("/tasks/{taskId}/release")
    public ReleaseJson release(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("taskId") String taskId) {
        Caller caller = authenticator.authenticate(authorization);
        return new ReleaseJson(taskId, intake.release(caller, taskId, false, clock.instant()));
    }

    /** The annotator skips the task: it goes back, and is not offered to them again. */
    @POST
    @Path("/tasks/{taskId}/skip")
    public ReleaseJson skip(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("taskId") String taskId) {
        Caller caller = authenticator.authenticate(authorization);
        return new ReleaseJson(taskId, intake.release(caller, taskId, true, clock.instant()));
    }

    @GET
    @Path("/history")
    public HistoryJson history(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Caller caller = authenticator.authenticate(authorization);
        return new HistoryJson(caller.name(), caller.isProduction() ? List.of() : history.of(caller.name()));
    }

    @GET
    @Path("/agreement")
    public Response agreement(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        authenticator.requireAdmin(authorization);
        return Response.ok(agreement.report()).build();
    }
}
