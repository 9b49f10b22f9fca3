package dev.feedloop.generator.health;

import dev.feedloop.generator.config.GeneratorConfig;
import dev.feedloop.generator.policy.PolicyHolder;
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

/** Ready when a policy is loaded and the broker answers {@code describeCluster} within the timeout. */
@Readiness
@ApplicationScoped
public class GeneratorReadiness implements HealthCheck {

    @Inject
    PolicyHolder holder;
    @Inject
    GeneratorConfig config;
    /** bootstrap.servers and every other kafka.* key (the KAFKA_* security settings among them). */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private Admin admin;

    @Override
    public HealthCheckResponse call() {
        long version = holder.currentVersion();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("feedloop-generator")
                .withData("policy_version", version);
        boolean model = version >= 0;
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
        response.withData("model_loaded", model);
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
