package dev.feedloop.labeling.config;

import dev.feedloop.labeling.annotators.AgreementTracker;
import dev.feedloop.labeling.annotators.AnnotatorHistory;
import dev.feedloop.labeling.auth.TokenAuthenticator;
import dev.feedloop.labeling.dashboard.DashboardState;
import dev.feedloop.labeling.feedback.FeedbackIntake;
import dev.feedloop.labeling.feedback.FeedbackPublisher;
import dev.feedloop.labeling.feedback.FeedbackValidator;
import dev.feedloop.labeling.feedback.UserIdHasher;
import dev.feedloop.labeling.task.ReplayTracker;
import dev.feedloop.labeling.task.TaskQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import java.util.Set;

/** Builds the plain domain objects from {@link LabelingConfig}; a bad value fails start-up naming its key. */
@ApplicationScoped
public class LabelingBeans {

    @Produces
    @ApplicationScoped
    TaskQueue taskQueue(LabelingConfig config) {
        return new TaskQueue(config.quorum(), config.leaseDuration(), config.productionRolloutsAsTasks());
    }

    @Produces
    @ApplicationScoped
    ReplayTracker replayTracker() {
        return new ReplayTracker();
    }

    @Produces
    @ApplicationScoped
    TokenAuthenticator authenticator(LabelingConfig config) {
        return new TokenAuthenticator(config.auth().annotatorTokens(), config.auth().productionToken(),
                config.auth().simulatedAnnotators().orElse(Set.of()), config.auth().adminToken());
    }

    @Produces
    @ApplicationScoped
    AgreementTracker agreement() {
        return new AgreementTracker();
    }

    @Produces
    @ApplicationScoped
    AnnotatorHistory history(LabelingConfig config) {
        return new AnnotatorHistory(config.historySize());
    }

    @Produces
    @ApplicationScoped
    DashboardState dashboard() {
        return new DashboardState();
    }

    @Produces
    @ApplicationScoped
    FeedbackIntake intake(LabelingConfig config, TaskQueue queue, FeedbackPublisher publisher, ReplayTracker replay) {
        return new FeedbackIntake(queue, new FeedbackValidator(config.maxCommentChars(), config.maxCategoryChars()),
                new UserIdHasher(config.userIdHashKey()), publisher, replay::caughtUp);
    }

    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }
}
