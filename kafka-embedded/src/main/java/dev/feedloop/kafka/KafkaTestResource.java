package dev.feedloop.kafka;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the shared embedded broker ({@link SharedKafka}): one real
 * broker per test JVM, every Feedloop topic created, reused across test classes.
 *
 * <pre>{@code
 * @QuarkusTest
 * @WithTestResource(KafkaTestResource.class)
 * class RolloutConsumerTest { ... }
 * }</pre>
 *
 * It sets {@code kafka.bootstrap.servers}, which every SmallRye Kafka channel and the Quarkus Kafka
 * client default to. Set {@code quarkus.kafka.devservices.enabled=false} (Dev Services need Docker)
 * and {@code quarkus.log.category."org.apache.kafka".level=WARN} and {@code ...."kafka".level=WARN}
 * in the test's application.properties to keep the broker quiet.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", SharedKafka.bootstrapServers());
    }

    @Override
    public void stop() {
        // The broker outlives this test class so the next one reuses it; a JVM shutdown hook stops it.
    }
}
