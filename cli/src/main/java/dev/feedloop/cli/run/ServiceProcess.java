package dev.feedloop.cli.run;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One child process of the local stack (the broker or a service), its output in a log file.
 * {@link #stop} sends SIGTERM (Quarkus and the broker shut down cleanly on it) and waits, then
 * kills what is still running; {@link #kill} is SIGKILL at once (a crash).
 */
public final class ServiceProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private final URI readiness;

    private ServiceProcess(String name, Process process, Path log, URI readiness) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.readiness = readiness;
    }

    /**
     * Starts {@code command} in {@code workDir} with {@code env} added to this process's environment.
     *
     * @param readiness the HTTP URL that answers 200 once the process is ready, or null for none
     */
    public static ServiceProcess start(String name, List<String> command, Map<String, String> env, Path workDir,
                                       Path log, URI readiness) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return new ServiceProcess(name, pb.start(), log, readiness);
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Whether its readiness URL answers 200 now (false while starting, or if it has none). */
    public boolean ready() {
        if (readiness == null || !process.isAlive()) {
            return false;
        }
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last lines of its log, for an error message. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL now, as a crash would, and wait for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(20));
    }
}
