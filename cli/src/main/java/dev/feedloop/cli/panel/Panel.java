package dev.feedloop.cli.panel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulated annotator panel: several {@link SimulatedAnnotator}s who share the
 * {@link HiddenPreference} but each perceive it with their own noise, labeling through
 * labeling-service's public REST API with their own tokens, exactly as people would (a person can
 * label at the same time). Each round, every member leases one task and submits a ranking, now and
 * then scores and a flag. Event ids are derived from (annotator, task, what), so a retried or
 * repeated submission is recorded once.
 */
public final class Panel {
    /** Per-annotator noise (standard deviation on the utility scale): about 75% pairwise agreement. */
    public static final double DEFAULT_NOISE = 0.45;
    /** Share of tasks on which an annotator also gives every response a 1–7 score. */
    public static final double DEFAULT_SCORE_RATE = 0.25;

    /** One member: their token for the API and their simulated judgement. */
    public record Member(String token, SimulatedAnnotator annotator) {}

    private final LabelingClient client;
    private final List<Member> members;
    private final AtomicLong tasks = new AtomicLong();
    private final AtomicLong events = new AtomicLong();

    public Panel(LabelingClient client, List<Member> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a panel needs at least one annotator token");
        }
        this.client = client;
        this.members = List.copyOf(members);
    }

    /** A panel of one annotator per token, with the default noise and seeds 1, 2, …. */
    public static Panel of(LabelingClient client, List<String> tokens, long seed) {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            members.add(new Member(tokens.get(i),
                    new SimulatedAnnotator("sim-" + (i + 1), DEFAULT_NOISE, DEFAULT_SCORE_RATE, seed + i)));
        }
        return new Panel(client, members);
    }

    /** One round: each member labels at most one task. Returns how many tasks were labeled. */
    public int round() throws IOException, InterruptedException {
        int labeled = 0;
        for (Member m : members) {
            Optional<LabelingClient.LeasedTask> task = client.next(m.token());
            if (task.isEmpty()) {
                continue;
            }
            submit(m, task.get());
            labeled++;
        }
        return labeled;
    }

    private void submit(Member m, LabelingClient.LeasedTask task) throws IOException, InterruptedException {
        SimulatedAnnotator.Labels labels = m.annotator().label(task.responses());
        List<ObjectNode> bodies = new ArrayList<>();
        bodies.add(client.ranking(eventId(m, task, "ranking"), task.rolloutId(), labels.tiers()));
        for (SimulatedAnnotator.ScoreLabel s : labels.scores()) {
            bodies.add(client.score(eventId(m, task, "score/" + s.responseId()), task.rolloutId(), s.responseId(), s.value()));
        }
        if (labels.flaggedResponse().isPresent()) {
            String id = labels.flaggedResponse().get();
            bodies.add(client.flag(eventId(m, task, "flag/" + id), task.rolloutId(), id, SimulatedAnnotator.FLAG_CATEGORY));
        }
        for (ObjectNode body : bodies) {
            client.submit(m.token(), body);
            events.incrementAndGet();
        }
        tasks.incrementAndGet();
    }

    static String eventId(Member m, LabelingClient.LeasedTask task, String what) {
        String key = m.annotator().name() + "|" + task.taskId() + "|" + what;
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Tasks labeled so far. */
    public long tasksLabeled() {
        return tasks.get();
    }

    /** Feedback events submitted so far. */
    public long eventsSubmitted() {
        return events.get();
    }
}
