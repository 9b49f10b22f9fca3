package dev.feedloop.labeling.messaging;

import dev.feedloop.contracts.Topics;
import dev.feedloop.labeling.task.ReplayTracker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * At start-up, asks the broker where {@code feedloop.rollouts.v1} and {@code feedloop.feedback.v1}
 * end and hands those offsets to the {@link ReplayTracker}. Retries every second until the broker
 * answers (the service stays not-ready meanwhile).
 */
@ApplicationScoped
public class ReplayOffsets {

    private static final Logger LOG = Logger.getLogger(ReplayOffsets.class);
    private static final List<String> REPLAYED = List.of(Topics.ROLLOUTS, Topics.FEEDBACK);

    @Inject
    ReplayTracker tracker;

    /** bootstrap.servers and every other kafka.* key (the KAFKA_* security settings among them). */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private volatile boolean stopping;

    void start(@Observes StartupEvent event) {
        Thread thread = new Thread(this::fetchTargets, "replay-offsets");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    private void fetchTargets() {
        try (Admin admin = Admin.create(new HashMap<>(kafkaConfig))) {
            while (!stopping) {
                try {
                    Map<String, TopicDescription> topics = admin.describeTopics(REPLAYED).allTopicNames().get(10, TimeUnit.SECONDS);
                    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    topics.values().forEach(t -> t.partitions().forEach(p -> {
                        earliest.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.earliest());
                        latest.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest());
                    }));
                    var start = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
                    var end = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                    end.forEach((tp, info) -> tracker.expect(tp.topic(), tp.partition(), start.get(tp).offset(), info.offset()));
                    tracker.targetsComplete();
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {  // broker not reachable yet or topics missing: stay not-ready, retry
                    LOG.warnf("cannot read the end offsets of %s yet (%s); retrying", REPLAYED, e.getMessage());
                    sleep();
                }
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
