package dev.feedloop.labeling.health;

import dev.feedloop.labeling.task.ReplayTracker;
import dev.feedloop.labeling.task.TaskQueue;
import io.smallrye.health.api.AsyncHealthCheck;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import io.smallrye.mutiny.Uni;

/**
 * Readiness: up once the task queue has replayed the rollouts and feedback topics to where they
 * ended at start-up (until then it cannot tell duplicates or closed tasks), with its sizes. Broker connectivity of the three
 * channels is reported by SmallRye Reactive Messaging's own readiness check beside this one.
 */
@Readiness
@ApplicationScoped
public class TaskQueueReadiness implements AsyncHealthCheck {

    @Inject
    TaskQueue queue;

    @Inject
    ReplayTracker replay;

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().item(() -> HealthCheckResponse.named("task-queue").status(replay.caughtUp())
                .withData("behind", replay.behind().toString())
                .withData("rollouts", queue.rolloutCount())
                .withData("open-tasks", queue.openTasks().size())
                .withData("feedback-events", queue.feedbackCount())
                .build());
    }
}
