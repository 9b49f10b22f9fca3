package dev.feedloop.kafka;

import dev.feedloop.contracts.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates every topic of {@link Topics#all()} that does not exist yet: partitions, retention,
 * {@code cleanup.policy=compact} for the version topics, a {@code .dlq} per topic. Idempotent:
 * existing topics are left as they are.
 */
public final class TopicCreator {

    private static final long TIMEOUT_SECONDS = 30;

    private TopicCreator() {
    }

    /**
     * Creates the missing topics with a replication factor of min(3, brokers).
     *
     * @return the names of the topics it created
     */
    public static List<String> createAll(Admin admin) {
        int brokers = get(admin.describeCluster().nodes()).size();
        return createAll(admin, (short) Math.min(3, Math.max(1, brokers)));
    }

    /** As {@link #createAll(Admin)} with an explicit replication factor. */
    public static List<String> createAll(Admin admin, short replicationFactor) {
        Set<String> existing = get(admin.listTopics().names());
        List<NewTopic> missing = new ArrayList<>();
        for (Topics.Spec spec : Topics.all()) {
            if (!existing.contains(spec.name())) {
                missing.add(newTopic(spec, replicationFactor));
            }
        }
        if (missing.isEmpty()) {
            return List.of();
        }
        List<String> created = new ArrayList<>();
        admin.createTopics(missing).values().forEach((name, future) -> {
            try {
                future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                created.add(name);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {  // created concurrently: fine
                    throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e);
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("creating topic " + name + " took over " + TIMEOUT_SECONDS + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        return created;
    }

    static NewTopic newTopic(Topics.Spec spec, short replicationFactor) {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG,
                spec.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(spec.retention().toMillis()));
        return new NewTopic(spec.name(), spec.partitions(), replicationFactor).configs(configs);
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka admin call failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
