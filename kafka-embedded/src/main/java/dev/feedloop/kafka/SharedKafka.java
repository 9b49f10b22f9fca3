package dev.feedloop.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;

/**
 * One broker per test JVM, started on first use in a temporary directory with every Feedloop topic
 * created, reused by every test class, stopped and deleted at JVM exit.
 *
 * <p>The bootstrap address is kept in the system property {@value #BOOTSTRAP_PROPERTY}, which is
 * JVM-wide: Quarkus loads test resources in more than one class loader, and each would otherwise
 * start its own broker. Setting that property before the tests ({@code -Dfeedloop.test.kafka.bootstrap-servers=host:9092})
 * points the tests at an existing broker instead.
 */
public final class SharedKafka {

    public static final String BOOTSTRAP_PROPERTY = "feedloop.test.kafka.bootstrap-servers";

    private SharedKafka() {
    }

    /** The shared broker's bootstrap servers; starts it on the first call (2–6 s). */
    public static String bootstrapServers() {
        synchronized (SharedKafka.class) {
            String existing = System.getProperty(BOOTSTRAP_PROPERTY);
            if (existing != null) {
                return existing;
            }
            quietLogs();
            Path dir;
            try {
                dir = Files.createTempDirectory("feedloop-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
            try (Admin admin = kafka.admin()) {
                TopicCreator.createAll(admin, (short) 1);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                kafka.close();
                deleteRecursively(dir);
            }, "shared-kafka-shutdown"));
            System.setProperty(BOOTSTRAP_PROPERTY, kafka.bootstrapServers());
            return kafka.bootstrapServers();
        }
    }

    /** WARN for the broker under slf4j-simple (plain tests); Quarkus tests set quarkus.log.category instead. */
    static void quietLogs() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
