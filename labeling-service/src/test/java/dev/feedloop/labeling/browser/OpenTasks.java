package dev.feedloop.labeling.browser;

import static dev.feedloop.labeling.Fixtures.id;
import static io.restassured.RestAssured.given;

import dev.feedloop.labeling.task.OpenTask;
import dev.feedloop.labeling.task.TaskQueue;
import io.restassured.http.ContentType;
import java.util.List;

/**
 * Closes tasks through the REST API (a score by alice and one by bob meet the tests' quorum of 2).
 * A browser test signs in as an annotator who gets the oldest open task: tasks another test class
 * left open (one that failed half-way, say) would be served instead of the test's own.
 */
final class OpenTasks {

    private OpenTasks() {
    }

    static void closeAll(TaskQueue queue) {
        for (OpenTask task : queue.openTasks()) {
            close(task.taskId());
        }
    }

    /** Accepted also when the task is closed already. */
    static void close(String rolloutId) {
        for (String token : List.of("token-alice", "token-bob")) {
            given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                    .body("{\"eventId\":\"%s\",\"rolloutId\":\"%s\",\"score\":{\"responseId\":\"%s/0\",\"value\":4}}"
                            .formatted(id("e"), rolloutId, rolloutId))
                    .when().post("/api/v1/feedback").then().statusCode(200);
        }
    }
}
