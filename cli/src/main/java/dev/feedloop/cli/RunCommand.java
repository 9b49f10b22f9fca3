package dev.feedloop.cli;

import ai.djl.ndarray.NDManager;
import dev.feedloop.cli.panel.LabelingClient;
import dev.feedloop.cli.panel.Panel;
import dev.feedloop.cli.run.LoopState;
import dev.feedloop.cli.run.LoopWatcher;
import dev.feedloop.cli.run.PromptFeeder;
import dev.feedloop.cli.run.PromptSet;
import dev.feedloop.cli.run.RunReport;
import dev.feedloop.cli.run.ServiceProcess;
import dev.feedloop.cli.run.Stack;
import dev.feedloop.cli.run.WinRate;
import dev.feedloop.ml.checkpoint.Llama2cCheckpoint;
import dev.feedloop.ml.model.LlamaModel;
import dev.feedloop.ml.sampling.SamplingParams;
import dev.feedloop.ml.tokenizer.Llama2cTokenizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code feedloop run}: the whole online RLHF loop on this machine. Starts the embedded broker and
 * the four services as separate processes, imports the bundled human feedback, feeds TinyStories
 * openings as prompts, lets the simulated panel label through labeling-service's API, shows a live
 * status line, and stops after {@code --policy-versions} new policy versions with a summary and a
 * report in {@code runs/<timestamp>/} (JSON, CSV, HTML with plots), including the hidden
 * preference's win rate of each version against the base policy on held-out prompts.
 */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the whole loop locally: broker, generator, labeling, reward and trainer services,",
            "the simulated annotator panel; stops after N new policy versions and writes runs/<timestamp>/."})
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    static final String PROMPTS = "data/prompts/tinystories/tinystories_sample.txt";
    /** Prompts sent and not yet answered by a rollout. */
    static final int FEED_AHEAD = 8;
    /** Prompts sent and not yet scored by the reward model. */
    static final int SCORING_AHEAD = 32;

    @Spec
    CommandSpec spec;

    @Option(names = "--policy-versions", paramLabel = "N", defaultValue = "5",
            description = "Stop after N new policy versions (default: ${DEFAULT-VALUE}).")
    int policyVersions;

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "PT20M",
            description = "Stop after this long even if fewer versions came (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--samples-per-prompt", paramLabel = "K", defaultValue = "4",
            description = "Responses per prompt, 4…9 (default: ${DEFAULT-VALUE}).")
    int samplesPerPrompt;

    @Option(names = "--max-new-tokens", paramLabel = "M", defaultValue = "48",
            description = "Most new tokens per response (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--annotators", paramLabel = "N", defaultValue = "3",
            description = "Simulated annotators on the panel (default: ${DEFAULT-VALUE}).")
    int annotators;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092",
            description = "The embedded broker's port (default: ${DEFAULT-VALUE}); ignored with KAFKA_BOOTSTRAP_SERVERS.")
    int kafkaPort;

    @Option(names = "--base-port", paramLabel = "PORT", defaultValue = "8081",
            description = "generator's port; labeling, reward and trainer take the next three (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--win-rate-prompts", paramLabel = "N", defaultValue = "96",
            description = "Held-out prompts per win-rate measurement (default: ${DEFAULT-VALUE}).")
    int winRatePrompts;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Broker data, checkpoints, logs and local tokens (default: .run/ in the repository); a second run on it resumes.")
    Path stateDir;

    @Option(names = "--no-import", description = "Do not import the bundled HH-RLHF and OpenAssistant feedback.")
    boolean noImport;

    @Option(names = "--out", paramLabel = "DIR", description = "Report directory (default: runs/<timestamp>/).")
    Path out;

    /** Service name → extra -D properties; set by tests, not on the command line. */
    Map<String, Map<String, String>> extraProperties = new LinkedHashMap<>();

    /** Called with the running stack once the loop runs (the e2e test kills and restarts a service here). */
    java.util.function.BiConsumer<Stack, LoopState> duringRun = (s, l) -> { };

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        Path home = Home.dir();
        Instant started = Instant.now();
        String runId = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started);
        Path reportDir = out(home, runId);
        PromptSet prompts = PromptSet.load(home.resolve(PROMPTS), 10);
        String existing = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        Stack stack = new Stack(home, stateDir != null ? stateDir.toAbsolutePath() : home.resolve(".run"), new Stack.Settings(kafkaPort, basePort, existing == null || existing.isBlank() ? null : existing,
                annotators, samplesPerPrompt, maxNewTokens, extraProperties));
        boolean tty = System.console() != null;
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch cleanedUp = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true); // Ctrl-C: the main thread stops the loop, writes the report, stops the stack
            try {
                cleanedUp.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "feedloop-run-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        LoopState state = new LoopState();
        LoopWatcher watcher = null;
        Thread panelThread = null;
        AtomicReference<Exception> panelError = new AtomicReference<>();
        long startVersion = 0;
        try {
            out.printf("feedloop run %s: %d new policy versions at most, K=%d, %d simulated annotators; logs in %s%n",
                    runId, policyVersions, samplesPerPrompt, annotators, stack.runDir().resolve("logs"));
            List<String> steps = new ArrayList<>(List.of("kafka"));
            steps.addAll(Stack.SERVICES);
            Stack.Progress progress = new Stack.Progress(out, tty, steps);
            stack.startBroker(progress);
            for (String service : Stack.SERVICES) {
                stack.startService(service);
            }
            stack.awaitReady(progress);
            progress.finish();
            out.printf("stack ready in %.0f s: broker %s, labeling UI/API %s (token for a person: %s)%n",
                    Duration.between(started, Instant.now()).toMillis() / 1000.0, stack.bootstrap(), stack.url("labeling"),
                    stack.humanToken());
            if (!noImport) {
                importBundled(home, stack.bootstrap(), out);
            }
            watcher = new LoopWatcher(stack.bootstrap(), state);
            Thread.sleep(1500); // let the watcher read the version topics
            startVersion = state.policyVersion();
            if (startVersion > 0) {
                out.printf("resuming from policy version %d%n", startVersion);
            }
            Panel panel = Panel.of(new LabelingClient(stack.url("labeling")), stack.panelTokens(), started.toEpochMilli());
            panelThread = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        if (panel.round() == 0) {
                            Thread.sleep(200);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    panelError.set(e);
                }
            }, "feedloop-panel");
            panelThread.setDaemon(true);
            panelThread.start();
            duringRunHook(stack, state);
            try (PromptFeeder feeder = new PromptFeeder(stack.bootstrap(), prompts.train(), samplesPerPrompt, runId)) {
                Instant deadline = started.plus(timeout);
                Instant nextLine = Instant.now();
                while (!stop.get() && state.policyVersion() < startVersion + policyVersions && Instant.now().isBefore(deadline)) {
                    // at most 8 prompts ahead of the generator; once a reward model scores, also at most 32
                    // rollouts ahead of its scoring: rollouts it cannot score yet would only go stale for the
                    // trainer while their sampling takes a core from the services that learn. Before the
                    // first reward-model version the panel's labels on fresh rollouts are what makes it.
                    feeder.topUp(() -> state.rewardModels().isEmpty() ? state.curatedRollouts()
                            : Math.min(state.curatedRollouts(), state.scored() + SCORING_AHEAD - FEED_AHEAD), FEED_AHEAD);
                    if (panelError.get() != null) {
                        throw new IllegalStateException("the simulated panel failed: " + panelError.get().getMessage(), panelError.get());
                    }
                    for (String s : Stack.SERVICES) {
                        ServiceProcess p = stack.process(s);
                        if (p != null && !p.alive() && !restarting.get()) {
                            throw new IllegalStateException(s + "-service exited (log " + p.log() + "):\n" + p.tail(15));
                        }
                    }
                    if (Instant.now().isAfter(nextLine)) {
                        statusLine(out, tty, state.snapshot(Instant.now()));
                        nextLine = Instant.now().plus(tty ? Duration.ofSeconds(1) : Duration.ofSeconds(10));
                    }
                    Thread.sleep(250);
                }
            }
            if (tty) {
                out.println();
            }
            boolean reached = state.policyVersion() >= startVersion + policyVersions;
            out.printf("%s after %.0f s: policy version %d (started at %d)%n",
                    stop.get() ? "stopped (Ctrl-C)" : reached ? "done" : "timed out",
                    Duration.between(started, Instant.now()).toMillis() / 1000.0, state.policyVersion(), startVersion);
            stop.set(true);
            panelThread.join(5000);
            LoopState.Snapshot last = state.snapshot(Instant.now());
            watcher.close();
            watcher = null;
            stack.close(); // frees the cores for the win-rate measurement
            List<RunReport.PolicyRow> rows = winRates(home, state, startVersion, prompts, started, out);
            List<RunReport.RewardModelRow> rms = new ArrayList<>();
            for (LoopState.RewardModelVersion m : state.rewardModels()) {
                rms.add(new RunReport.RewardModelRow(m.version(), seconds(started, m.publishedAt()), m.heldOutAccuracy(), m.heldOutPairs()));
            }
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("policyVersions", policyVersions);
            settings.put("samplesPerPrompt", samplesPerPrompt);
            settings.put("maxNewTokens", maxNewTokens);
            settings.put("annotators", annotators);
            settings.put("startVersion", startVersion);
            RunReport.write(reportDir, new RunReport.Report(runId, started.toString(),
                    seconds(started, Instant.now()), settings, rows, rms, state.feedbackByKind(), state.feedbackBySource(), last));
            summary(out, rows, rms, last, reportDir);
            return reached ? Feedloop.OK : Feedloop.FAILED;
        } finally {
            stop.set(true);
            if (panelThread != null) {
                panelThread.interrupt();
            }
            if (watcher != null) {
                watcher.close();
            }
            stack.close();
            cleanedUp.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and returns now that cleanedUp is counted down
            }
        }
    }

    /** Set while a test restarts a service, so the loop does not take the stop for a crash. */
    final AtomicBoolean restarting = new AtomicBoolean();

    private void duringRunHook(Stack stack, LoopState state) {
        Thread t = new Thread(() -> duringRun.accept(stack, state), "feedloop-run-during");
        t.setDaemon(true);
        t.start();
    }

    private void validate() {
        if (policyVersions < 1) {
            throw new ParameterException(spec.commandLine(), "--policy-versions " + policyVersions + " must be >= 1");
        }
        if (samplesPerPrompt < 4 || samplesPerPrompt > 9) {
            throw new ParameterException(spec.commandLine(), "--samples-per-prompt " + samplesPerPrompt + " must be in 4…9");
        }
        if (maxNewTokens < 8 || maxNewTokens > 256) {
            throw new ParameterException(spec.commandLine(), "--max-new-tokens " + maxNewTokens + " must be in 8…256");
        }
        if (annotators < 1 || annotators > 16) {
            throw new ParameterException(spec.commandLine(), "--annotators " + annotators + " must be in 1…16");
        }
        if (winRatePrompts < 8) {
            throw new ParameterException(spec.commandLine(), "--win-rate-prompts " + winRatePrompts + " must be >= 8");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new ParameterException(spec.commandLine(), "--timeout " + timeout + " must be positive");
        }
    }

    private Path out(Path home, String runId) {
        return out != null ? out : home.resolve("runs").resolve(runId);
    }

    private void importBundled(Path home, String bootstrap, PrintWriter out) {
        String[][] imports = {
            {"import", "hh-rlhf", home.resolve("data/preferences/hh-rlhf/harmless-base-test.jsonl.gz").toString(), "--bootstrap-servers", bootstrap},
            {"import", "oasst", home.resolve("data/preferences/oasst/en_100_tree.jsonl").toString(), "--bootstrap-servers", bootstrap},
        };
        for (String[] args : imports) {
            StringWriter o = new StringWriter();
            StringWriter e = new StringWriter();
            int code = Feedloop.execute(args, new PrintWriter(o), new PrintWriter(e));
            if (code != Feedloop.OK) {
                throw new IllegalStateException("import " + args[1] + " failed: " + e.toString().strip());
            }
            String[] lines = o.toString().strip().split("\n");
            out.printf("imported %s: %s%n", args[1], lines[lines.length - 1]);
        }
    }

    private List<RunReport.PolicyRow> winRates(Path home, LoopState state, long startVersion, PromptSet prompts,
                                               Instant started, PrintWriter out) {
        List<RunReport.PolicyRow> rows = new ArrayList<>();
        List<String> heldOut = prompts.heldOut().subList(0, Math.min(winRatePrompts, prompts.heldOut().size()));
        SamplingParams params = new SamplingParams(1f, 1f, 0, maxNewTokens, 12345);
        try (NDManager manager = NDManager.newBaseManager()) {
            Llama2cTokenizer tokenizer = Llama2cTokenizer.load(home.resolve(GenerateCommand.DEFAULT_TOKENIZER));
            LlamaModel base = Llama2cCheckpoint.load(home.resolve(GenerateCommand.DEFAULT_MODEL), manager);
            base.setTrainable(false);
            for (LoopState.PolicyVersion v : state.policies()) {
                WinRate w = null;
                if (v.version() > startVersion || v.version() == state.policyVersion()) {
                    try (NDManager vm = manager.newSubManager()) {
                        LlamaModel model = WinRate.load(checkpointPath(v.checkpointUri()), vm);
                        w = WinRate.measure(model, base, tokenizer, heldOut, 2, params);
                    } catch (RuntimeException e) {
                        out.printf("win rate of policy version %d not measured: %s%n", v.version(), e.getMessage());
                    }
                }
                Map<String, Double> m = v.metrics();
                rows.add(new RunReport.PolicyRow(v.version(), seconds(started, v.publishedAt()), v.rewardModelVersion(),
                        m.getOrDefault("objective/scores", m.getOrDefault("reward/mean", Double.NaN)),
                        LoopState.kl(m), m.getOrDefault("policy/clipfrac", Double.NaN), w,
                        v.lineage()));
            }
        }
        return rows;
    }

    /** A checkpoint URI of a PolicyPublished event: a {@code file:} URI or a plain path. */
    static Path checkpointPath(String uri) {
        return uri.startsWith("file:") ? Path.of(java.net.URI.create(uri)) : Path.of(uri);
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    static void statusLine(PrintWriter out, boolean tty, LoopState.Snapshot s) {
        String line = String.format(Locale.ROOT,
                "policy v%d · RM v%d (held-out acc %s) · mean reward %s · KL %s · %.1f rollouts/s · %.1f feedback/s · lag %s",
                s.policyVersion(), s.rewardModelVersion(), fmt(s.rewardModelAccuracy(), "%.3f"), fmt(s.meanReward(), "%.3f"),
                fmt(s.kl(), "%.3f"), s.rolloutsPerSecond(), s.feedbackPerSecond(), s.consumerLag() < 0 ? "?" : Long.toString(s.consumerLag()));
        if (tty) {
            out.print("\r" + line + "   ");
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String fmt(double v, String format) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "–";
    }

    static void summary(PrintWriter out, List<RunReport.PolicyRow> rows, List<RunReport.RewardModelRow> rms,
                        LoopState.Snapshot last, Path reportDir) {
        out.println();
        out.println("version   at (s)  RM   mean reward      KL   win rate vs base [95% CI]");
        for (RunReport.PolicyRow r : rows) {
            WinRate w = r.winRate();
            out.printf(Locale.ROOT, "%7d %8.0f %3d %13s %7s   %s%n", r.version(), r.secondsSinceStart(), r.rewardModelVersion(),
                    fmt(r.meanReward(), "%.3f"), fmt(r.kl(), "%.3f"),
                    w == null ? "–" : String.format(Locale.ROOT, "%.3f [%.3f, %.3f] (%d pairs)", w.winRate(), w.lower95(), w.upper95(), w.comparisons()));
        }
        if (!rms.isEmpty()) {
            RunReport.RewardModelRow m = rms.get(rms.size() - 1);
            out.printf(Locale.ROOT, "reward model v%d: held-out accuracy %.3f on %d pairs%n", m.version(), m.heldOutAccuracy(), m.heldOutPairs());
        }
        out.printf(Locale.ROOT, "rollouts %d · feedback %d · scored %d%n", last.rollouts(), last.feedback(), last.scored());
        out.printf("report: %s%n", reportDir.resolve("report.html"));
        out.flush();
    }
}
