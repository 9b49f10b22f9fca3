package dev.feedloop.cli;

import dev.feedloop.cli.panel.LabelingClient;
import dev.feedloop.cli.panel.Panel;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code feedloop annotate --simulated}: the simulated annotator panel ({@link Panel}) labeling
 * through a running labeling-service's REST API, one annotator per token, until it has labeled
 * {@code --tasks} tasks or {@code --duration} has passed. Works against any running stack; people
 * can label at the same time. The preference is documented in
 * {@link dev.feedloop.cli.panel.HiddenPreference}.
 */
@Command(name = "annotate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Label tasks with the simulated annotator panel through labeling-service's REST API.",
            "The panel prefers kind stories (someone helps, shares, thanks, hugs, gives, makes a friend), without repeated sentences;",
            "each annotator adds their own noise (about 75%% pairwise agreement)."})
final class AnnotateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--simulated", required = true,
            description = "Use the simulated panel (required: people label in the web UI or through the API).")
    boolean simulated;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://localhost:8082",
            description = "labeling-service base URL (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--tokens", paramLabel = "TOKEN", split = ",", required = true,
            description = "Annotator API tokens, one panel member each (configured in labeling-service).")
    List<String> tokens;

    @Option(names = "--tasks", paramLabel = "N", defaultValue = "0",
            description = "Stop after N labeled tasks; 0 = no limit (default: ${DEFAULT-VALUE}).")
    long tasks;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "PT0S",
            description = "Stop after this long (ISO-8601, e.g. PT5M); PT0S = no limit (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the annotators' noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (tasks < 0) {
            throw new ParameterException(spec.commandLine(), "--tasks " + tasks + " must be >= 0");
        }
        if (duration.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--duration " + duration + " must not be negative");
        }
        if (tokens.stream().anyMatch(String::isBlank)) {
            throw new ParameterException(spec.commandLine(), "--tokens: a token is empty");
        }
        PrintWriter out = spec.commandLine().getOut();
        Panel panel = Panel.of(new LabelingClient(url), tokens, seed);
        Instant end = duration.isZero() ? Instant.MAX : Instant.now().plus(duration);
        out.printf("simulated panel of %d annotator(s) labeling at %s (hidden preference: %s)%n", tokens.size(), url,
                "kind stories (someone helps, shares, thanks, hugs, gives, makes a friend), without repeated sentences");
        out.flush();
        long reported = 0;
        while (Instant.now().isBefore(end) && (tasks == 0 || panel.tasksLabeled() < tasks)) {
            if (panel.round() == 0) {
                Thread.sleep(500); // no task waiting
            }
            if (panel.tasksLabeled() / 10 > reported / 10) {
                reported = panel.tasksLabeled();
                out.printf("labeled %d task(s), %d feedback event(s)%n", panel.tasksLabeled(), panel.eventsSubmitted());
                out.flush();
            }
        }
        out.printf("done: %d task(s), %d feedback event(s)%n", panel.tasksLabeled(), panel.eventsSubmitted());
        return Feedloop.OK;
    }
}
