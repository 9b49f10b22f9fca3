package dev.feedloop.kafka;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;

/**
 * Runs the embedded broker as its own process for local runs ({@code ./feedloop run} starts it as a
 * child JVM):
 *
 * <pre>java -cp ... dev.feedloop.kafka.KafkaMain --port 9092 --data .run/kafka [--no-topics]</pre>
 *
 * Creates the Feedloop topics (unless {@code --no-topics}), prints {@code KAFKA READY <bootstrap>}
 * on stdout once clients can connect, and shuts down cleanly on SIGTERM or Ctrl-C. A second start
 * on the same {@code --data} directory keeps the records. Exit code 2 for bad arguments, 1 if the
 * broker cannot start.
 */
public final class KafkaMain {

    private KafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Before the first logger exists. Only affects slf4j-simple, the binding of this module's classpath.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        int port = 9092;
        Path data = Path.of(".run/kafka");
        boolean topics = true;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--data" -> data = Path.of(args[++i]);
                    case "--no-topics" -> topics = false;
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("usage: KafkaMain [--port 9092] [--data .run/kafka] [--no-topics]: " + e.getMessage());
            System.exit(2);
        }

        EmbeddedKafka kafka;
        try {
            kafka = EmbeddedKafka.start(data, port);
            if (topics) {
                try (Admin admin = kafka.admin()) {
                    TopicCreator.createAll(admin);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("KAFKA FAILED " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            System.out.println("KAFKA STOPPED");
            System.out.flush();
            stopped.countDown();
        }, "kafka-shutdown"));
        System.out.println("KAFKA READY " + kafka.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
