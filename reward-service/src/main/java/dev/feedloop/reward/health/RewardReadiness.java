package dev.feedloop.reward.health;

import dev.feedloop.reward.config.RewardConfig;
import dev.feedloop.reward.loop.LoopStats;
import dev.feedloop.reward.messaging.RewardWorker;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the reward model is loaded (and the loop restored) and the broker answers {@code describeCluster}. */
@Readiness
@ApplicationScoped
public class RewardReadiness implements HealthCheck {

    @Inject
    RewardWorker worker;
    @Inject
    LoopStats stats;
    @Inject
    RewardConfig config;
    /** bootstrap.servers and every other kafka.* key (the KAFKA_* security settings among them). */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private Admin admin;

    @Override
    public HealthCheckResponse call() {
        boolean model = worker.ready();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("feedloop-reward")
                .withData("model_loaded", model)
                .withData("reward_model_version", stats.publishedVersion);
        boolean broker;
        try {
            long timeoutMs = config.readinessKafkaTimeout().toMillis();
            int nodes = admin().describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs))
                    .nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
            broker = nodes > 0;
            response.withData("kafka_nodes", nodes);
        } catch (Exception e) {
            broker = false;
            response.withData("kafka", "unreachable: " + e);
        }
        return response.status(model && broker).build();
    }

    private synchronized Admin admin() {
        if (admin == null) {
            int timeoutMs = (int) config.readinessKafkaTimeout().toMillis();
            Map<String, Object> props = new HashMap<>(kafkaConfig);
            // a probe must answer within the health timeout, not retry for the default minute
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
            admin = Admin.create(props);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
