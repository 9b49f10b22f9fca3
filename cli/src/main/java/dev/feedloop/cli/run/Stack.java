package dev.feedloop.cli.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The local stack of {@code feedloop run}: the embedded broker (unless an existing cluster is
 * given) and the four services, each its own JVM started from its Quarkus build
 * ({@code <service>/target/quarkus-app/quarkus-run.jar}) in the repository root, with its log in
 * {@code .run/logs/}. State lives under {@code .run/}: the broker's data, the checkpoints, and the
 * local tokens and keys (made once, random, reused), so a second run resumes where the first one
 * stopped.
 */
public final class Stack implements AutoCloseable {
    /** The services in start order, with their HTTP (and gRPC) ports relative to the base port. */
    public static final List<String> SERVICES = List.of("generator", "labeling", "reward", "trainer");
    static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    private final Path home;
    private final Path runDir;
    private final Settings settings;
    private final List<ServiceProcess> processes = new ArrayList<>();
    private final Map<String, ServiceProcess> byName = new LinkedHashMap<>();
    private String bootstrap;
    private Properties secrets;

    /**
     * The stack's settings.
     *
     * @param kafkaPort        the embedded broker's port
     * @param basePort         generator's HTTP/gRPC port; labeling, reward, trainer take the next three
     * @param existingKafka    bootstrap servers of an existing cluster (no embedded broker), or null
     * @param panelSize        simulated annotators (one token each)
     * @param samplesPerPrompt K
     * @param maxNewTokens     response length limit of the loop's rollouts
     * @param extra            more -D properties per service (service name → key → value), e.g. from tests
     */
    public record Settings(int kafkaPort, int basePort, String existingKafka, int panelSize, int samplesPerPrompt,
                           int maxNewTokens, Map<String, Map<String, String>> extra) {}

    /** A stack whose state lives in {@code stateDir} ({@code .run/} for {@code feedloop run}). */
    public Stack(Path home, Path stateDir, Settings settings) {
        this.home = home;
        this.runDir = stateDir;
        this.settings = settings;
    }

    public String bootstrap() {
        return bootstrap;
    }

    public int port(String service) {
        return settings.basePort() + SERVICES.indexOf(service);
    }

    public URI url(String service) {
        return URI.create("http://localhost:" + port(service));
    }

    public Path runDir() {
        return runDir;
    }

    /** The panel's annotator tokens (simulated annotators sim-1 … sim-N). */
    public List<String> panelTokens() {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= settings.panelSize(); i++) {
            out.add(secrets.getProperty("panel-token-" + i));
        }
        return out;
    }

    /** The token a person can label with (annotator "local-human"). */
    public String humanToken() {
        return secrets.getProperty("human-token");
    }

    public ServiceProcess process(String service) {
        return byName.get(service);
    }

    /** Makes or reads {@code .run/secrets.properties}: the local tokens and the user-id hash key. */
    void loadSecrets() throws IOException {
        Files.createDirectories(runDir);
        Path file = runDir.resolve("secrets.properties");
        secrets = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newInputStream(file)) {
                secrets.load(in);
            }
        }
        boolean changed = false;
        List<String> keys = new ArrayList<>(List.of("human-token", "production-token", "user-id-hash-key"));
        for (int i = 1; i <= settings.panelSize(); i++) {
            keys.add("panel-token-" + i);
        }
        SecureRandom random = new SecureRandom();
        for (String key : keys) {
            if (!secrets.containsKey(key)) {
                byte[] b = new byte[16];
                random.nextBytes(b);
                secrets.setProperty(key, HexFormat.of().formatHex(b));
                changed = true;
            }
        }
        if (changed) {
            try (var out = Files.newOutputStream(file)) {
                secrets.store(out, "feedloop run: local tokens and keys (made once; delete to make new ones)");
            }
        }
    }

    /** Starts the broker (unless an existing one is configured) and waits until it is ready. */
    public void startBroker(Progress progress) throws IOException, InterruptedException {
        loadSecrets();
        if (settings.existingKafka() != null) {
            bootstrap = settings.existingKafka();
            progress.done("kafka");
            return;
        }
        Path log = runDir.resolve("logs/kafka.log");
        Files.deleteIfExists(log);
        List<String> cmd = List.of(java(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "dev.feedloop.kafka.KafkaMain", "--port", Integer.toString(settings.kafkaPort()),
                "--data", runDir.resolve("kafka").toString());
        ServiceProcess broker = ServiceProcess.start("kafka", cmd, Map.of(), home, log, null);
        add(broker);
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (true) {
            String tail = Files.exists(log) ? Files.readString(log) : "";
            if (tail.contains("KAFKA READY")) {
                break;
            }
            if (!broker.alive() || Instant.now().isAfter(deadline)) {
                throw new IOException("the embedded broker did not start (log " + log + "):\n" + broker.tail(15));
            }
            progress.tick();
            Thread.sleep(200);
        }
        bootstrap = "127.0.0.1:" + settings.kafkaPort();
        progress.done("kafka");
    }

    /** Starts one service and returns at once; {@link #awaitReady} waits for it. */
    public ServiceProcess startService(String service) throws IOException {
        Path jar = home.resolve(service + "-service/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " is missing: build the services first (./feedloop builds them)");
        }
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx1g", "-XX:+UseSerialGC", "-Dai.djl.offline=true"));
        for (Map.Entry<String, String> e : properties(service).entrySet()) {
            cmd.add("-D" + e.getKey() + "=" + e.getValue());
        }
        cmd.add("-jar");
        cmd.add(jar.toString());
        Map<String, String> env = Map.of("OMP_WAIT_POLICY", "PASSIVE", "OPT_OUT_TRACKING", "true",
                "KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        ServiceProcess p = ServiceProcess.start(service, cmd, env, home, runDir.resolve("logs/" + service + ".log"),
                url(service).resolve("/q/health/ready"));
        add(p);
        return p;
    }

    /** Waits until every started service answers ready, ticking the progress bar. */
    public void awaitReady(Progress progress) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        List<ServiceProcess> waiting = new ArrayList<>(byName.values());
        waiting.removeIf(p -> p.name().equals("kafka"));
        while (!waiting.isEmpty()) {
            for (ServiceProcess p : List.copyOf(waiting)) {
                if (!p.alive()) {
                    throw new IOException(p.name() + "-service exited while starting (log " + p.log() + "):\n" + p.tail(20));
                }
                if (p.ready()) {
                    waiting.remove(p);
                    progress.done(p.name());
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("not ready after " + START_TIMEOUT.toMinutes() + " min: "
                        + waiting.stream().map(ServiceProcess::name).toList() + " (logs in " + runDir.resolve("logs") + ")");
            }
            progress.tick();
            Thread.sleep(250);
        }
    }

    /** The -D properties of one service. */
    Map<String, String> properties(String service) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quarkus.http.port", Integer.toString(port(service)));
        p.put("kafka.bootstrap.servers", bootstrap);
        p.put("quarkus.log.file.enable", "false");
        switch (service) {
            case "generator" -> {
                p.put("feedloop.generator.samples-per-prompt", Integer.toString(settings.samplesPerPrompt()));
                p.put("feedloop.generator.sampling.max-new-tokens", Integer.toString(settings.maxNewTokens()));
            }
            case "labeling" -> {
                p.put("feedloop.labeling.user-id-hash-key", secrets.getProperty("user-id-hash-key"));
                p.put("feedloop.labeling.auth.production-token", secrets.getProperty("production-token"));
                p.put("feedloop.labeling.auth.annotator-tokens.\"" + humanToken() + "\"", "local-human");
                List<String> simulated = new ArrayList<>();
                for (int i = 1; i <= settings.panelSize(); i++) {
                    p.put("feedloop.labeling.auth.annotator-tokens.\"" + secrets.getProperty("panel-token-" + i) + "\"", "sim-" + i);
                    simulated.add("sim-" + i);
                }
                p.put("feedloop.labeling.auth.simulated-annotators", String.join(",", simulated));
            }
            case "reward" -> p.putAll(StackDefaults.reward(runDir));
            case "trainer" -> p.putAll(StackDefaults.trainer(runDir));
            default -> throw new IllegalArgumentException("unknown service " + service);
        }
        p.putAll(settings.extra().getOrDefault(service, Map.of()));
        return p;
    }

    private void add(ServiceProcess p) {
        processes.add(p);
        byName.put(p.name(), p);
    }

    /** Restarts one service (after a crash or a kill); waits until it is ready again. */
    public ServiceProcess restart(String service, Progress progress) throws IOException, InterruptedException {
        ServiceProcess old = byName.get(service);
        if (old != null) {
            old.stop(Duration.ofSeconds(20));
            processes.remove(old);
        }
        ServiceProcess p = startService(service);
        awaitReady(progress);
        return p;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Stops the services (in reverse order, SIGTERM), then the broker. */
    @Override
    public void close() {
        List<ServiceProcess> reversed = new ArrayList<>(processes);
        java.util.Collections.reverse(reversed);
        for (ServiceProcess p : reversed) {
            p.stop(Duration.ofSeconds(30));
        }
        processes.clear();
    }

    /** The start-up progress bar: one step per process. */
    public static final class Progress {
        private final PrintWriter out;
        private final boolean tty;
        private final List<String> steps;
        private final List<String> done = new ArrayList<>();
        private int spin;

        public Progress(PrintWriter out, boolean tty, List<String> steps) {
            this.out = out;
            this.tty = tty;
            this.steps = steps;
        }

        void tick() {
            spin++;
            if (tty) {
                draw();
            }
        }

        void done(String step) {
            done.add(step);
            if (tty) {
                draw();
            } else {
                out.printf("  ready: %s (%d/%d)%n", step, done.size(), steps.size());
                out.flush();
            }
        }

        private void draw() {
            int width = 24;
            int filled = width * done.size() / steps.size();
            StringBuilder sb = new StringBuilder("\r[");
            sb.append("#".repeat(filled)).append("·".repeat(width - filled)).append("] ");
            for (String s : steps) {
                sb.append(s).append(done.contains(s) ? " ✓  " : " " + "|/-\\".charAt(spin % 4) + "  ");
            }
            out.print(sb);
            out.flush();
        }

        public void finish() {
            if (tty) {
                out.println();
                out.flush();
            }
        }
    }
}
