package dev.feedloop.cli.panel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * labeling-service's public REST API, as any client uses it: {@code GET /api/v1/tasks/next} and
 * {@code POST /api/v1/feedback} with a bearer token. A 503 (the service is replaying its topics, or
 * the broker did not acknowledge) is retried with the same event id, so a retry never counts twice;
 * any other error is thrown with the service's own message.
 */
public final class LabelingClient {
    static final int ATTEMPTS = 5;
    static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    public LabelingClient(URI base) {
        this.base = base;
    }

    /** A leased task: its id, rollout, prompt and responses. */
    public record LeasedTask(String taskId, String rolloutId, String promptText, List<SimulatedAnnotator.Shown> responses) {}

    /** The next task for the token's annotator, or empty when none waits. */
    public Optional<LeasedTask> next(String token) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/api/v1/tasks/next"))
                .header("Authorization", "Bearer " + token).GET());
        if (r.statusCode() == 204) {
            return Optional.empty();
        }
        JsonNode task = json.readTree(r.body());
        List<SimulatedAnnotator.Shown> responses = new ArrayList<>();
        for (JsonNode resp : task.path("responses")) {
            responses.add(new SimulatedAnnotator.Shown(resp.path("responseId").asText(), resp.path("text").asText()));
        }
        return Optional.of(new LeasedTask(task.path("taskId").asText(), task.path("rolloutId").asText(),
                task.path("promptText").asText(), responses));
    }

    /** Submits one feedback body (see labeling-service's README for its fields); true if it was a duplicate. */
    public boolean submit(String token, ObjectNode body) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/api/v1/feedback"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
        return json.readTree(r.body()).path("duplicate").asBoolean(false);
    }

    /** A ranking body: tiers best first. */
    public ObjectNode ranking(String eventId, String rolloutId, List<List<String>> tiers) {
        ObjectNode body = base(eventId, rolloutId);
        ArrayNode t = body.putObject("ranking").putArray("tiers");
        for (List<String> tier : tiers) {
            ArrayNode ids = t.addArray();
            tier.forEach(ids::add);
        }
        return body;
    }

    public ObjectNode score(String eventId, String rolloutId, String responseId, int value) {
        ObjectNode body = base(eventId, rolloutId);
        body.putObject("score").put("responseId", responseId).put("value", value);
        return body;
    }

    public ObjectNode flag(String eventId, String rolloutId, String responseId, String category) {
        ObjectNode body = base(eventId, rolloutId);
        body.putObject("flag").put("responseId", responseId).put("category", category);
        return body;
    }

    private ObjectNode base(String eventId, String rolloutId) {
        ObjectNode body = json.createObjectNode();
        body.put("eventId", eventId);
        body.put("rolloutId", rolloutId);
        return body;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> r = http.send(built, HttpResponse.BodyHandlers.ofString());
            int code = r.statusCode();
            if (code == 200 || code == 204) {
                return r;
            }
            if (code == 503 && attempt < ATTEMPTS) {
                Thread.sleep(RETRY_PAUSE.toMillis());
                continue;
            }
            throw new IOException(built.method() + " " + built.uri().getPath() + " answered " + code + ": " + r.body());
        }
    }
}
