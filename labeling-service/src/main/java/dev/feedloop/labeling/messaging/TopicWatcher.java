package dev.feedloop.labeling.messaging;

import dev.feedloop.contracts.Topics;
import dev.feedloop.labeling.config.LabelingConfig;
import dev.feedloop.labeling.dashboard.DashboardState;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * For the dashboard: every {@code dashboard.offsets-interval}, asks the broker (admin API) for the
 * end offsets of the main topics and the committed offsets of every consumer group, and hands
 * {@link DashboardState#onOffsets} the sums per topic and the lag per topic and group. A failed
 * sample is logged and the next one tried; the dashboard shows when the last sample was taken.
 */
@ApplicationScoped
public class TopicWatcher {

    private static final Logger LOG = Logger.getLogger(TopicWatcher.class);
    private static final List<String> WATCHED = Topics.MAIN.stream().map(Topics.Spec::name).toList();

    @Inject
    DashboardState dashboard;

    @Inject
    LabelingConfig config;

    @Inject
    Clock clock;

    /** bootstrap.servers and every other kafka.* key (the KAFKA_* security settings among them). */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private ScheduledExecutorService executor;
    private Admin admin;

    void start(@Observes StartupEvent event) {
        admin = Admin.create(new HashMap<>(kafkaConfig));
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "dashboard-topic-watcher");
            thread.setDaemon(true);
            return thread;
        });
        long millis = config.dashboard().offsetsInterval().toMillis();
        executor.scheduleWithFixedDelay(this::sample, 0, millis, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (executor != null) {
            executor.shutdownNow();
            admin.close();
        }
    }

    private void sample() {
        try {
            Map<String, TopicDescription> topics = admin.describeTopics(WATCHED).allTopicNames().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            topics.values().forEach(t -> t.partitions().forEach(p ->
                    latest.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            Map<String, Long> endByTopic = new TreeMap<>();
            end.forEach((tp, info) -> endByTopic.merge(tp.topic(), info.offset(), Long::sum));

            Map<String, ListConsumerGroupOffsetsSpec> groups = new HashMap<>();
            for (GroupListing group : admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get(10, TimeUnit.SECONDS)) {
                groups.put(group.groupId(), new ListConsumerGroupOffsetsSpec());
            }
            Map<String, Map<String, Long>> lag = new TreeMap<>();
            if (!groups.isEmpty()) {  // one request for every group's committed offsets
                admin.listConsumerGroupOffsets(groups).all().get(10, TimeUnit.SECONDS).forEach((group, committed) ->
                        committed.forEach((tp, offset) -> {
                            ListOffsetsResult.ListOffsetsResultInfo info = end.get(tp);
                            if (info != null && offset != null) {
                                lag.computeIfAbsent(tp.topic(), t -> new TreeMap<>())
                                        .merge(group, Math.max(0, info.offset() - offset.offset()), Long::sum);
                            }
                        }));
            }
            dashboard.onOffsets(clock.instant(), endByTopic, lag);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {  // broker unreachable or topics missing: the next sample tries again
            LOG.warnf("dashboard: cannot sample topic offsets (%s); retrying in %s", e.getMessage(),
                    config.dashboard().offsetsInterval());
        }
    }
}
