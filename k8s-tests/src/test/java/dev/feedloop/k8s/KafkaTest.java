package dev.feedloop.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.Topics;
import io.strimzi.api.kafka.model.kafka.JbodStorage;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.PersistentClaimStorage;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** The Strimzi cluster and its topics against contracts' Topics.java and the services' configuration. */
class KafkaTest {

    private final Cluster base = Cluster.base();

    static String topicName(KafkaTopic t) {
        return t.getSpec().getTopicName() != null ? t.getSpec().getTopicName() : t.getMetadata().getName();
    }

    @Test
    void kafkaTopicsEqualTheTopicTable() {
        List<String> problems = new ArrayList<>();
        Set<String> expected = new TreeSet<>();
        Topics.all().forEach(s -> expected.add(s.name()));
        Set<String> actual = new TreeSet<>();
        Set<String> topicConfigs = topicConfigNames();
        for (KafkaTopic t : base.all(KafkaTopic.class)) {
            String name = topicName(t);
            if (!actual.add(name)) {
                problems.add("two KafkaTopics for " + name);
            }
            if (!expected.contains(name)) {
                problems.add("KafkaTopic " + name + " is not in Topics.java");
                continue;
            }
            Topics.Spec spec = Topics.spec(name);
            Map<String, Object> config = t.getSpec().getConfig();
            if (t.getSpec().getPartitions() != spec.partitions()) {
                problems.add(name + ": partitions " + t.getSpec().getPartitions() + ", Topics.java says " + spec.partitions());
            }
            String cleanup = String.valueOf(config.get(TopicConfig.CLEANUP_POLICY_CONFIG));
            if (!cleanup.equals(spec.compacted() ? "compact" : "delete")) {
                problems.add(name + ": cleanup.policy " + cleanup + ", Topics.java says compacted=" + spec.compacted());
            }
            Object retention = config.get(TopicConfig.RETENTION_MS_CONFIG);
            if (retention == null || Long.parseLong(retention.toString()) != spec.retention().toMillis()) {
                problems.add(name + ": retention.ms " + retention + ", Topics.java says " + spec.retention().toMillis());
            }
            if (t.getSpec().getReplicas() != 3) {
                problems.add(name + ": replicas " + t.getSpec().getReplicas() + " (base: 3)");
            }
            if (!"2".equals(String.valueOf(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG)))) {
                problems.add(name + ": min.insync.replicas " + config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG) + " (base: 2)");
            }
            for (String key : config.keySet()) {
                if (!topicConfigs.contains(key)) {
                    problems.add(name + ": " + key + " is not a Kafka topic configuration");
                }
            }
        }
        assertEquals(List.of(), problems);
        assertEquals(expected, actual);
    }

    /** Kafka's own list of topic settings (TopicConfig.*_CONFIG), so a misspelt key in config: fails. */
    static Set<String> topicConfigNames() {
        Set<String> names = new TreeSet<>();
        for (Field f : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().endsWith("_CONFIG") && f.getType() == String.class) {
                try {
                    names.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }

    /**
     * Every topic a service names exists, and every KafkaTopic is used: named by a service (or, for
     * a service not written yet, planned in the design table), or the dead-letter topic of one. A topic only a plain client touches
     * needs its role in the design table, or its ACLs could not be derived.
     */
    @Test
    void everyTopicIsUsedAndEveryUsedTopicExists() {
        List<String> problems = new ArrayList<>();
        Set<String> declared = new TreeSet<>();
        base.all(KafkaTopic.class).forEach(t -> declared.add(topicName(t)));
        Set<String> used = new TreeSet<>();
        for (String service : Repo.SERVICES) {
            Design design = Design.SERVICES.get(service);
            var config = ServiceConfig.load(service);
            if (config.isEmpty()) {
                used.addAll(design.topics()); // not written yet: the plan stands for it
                continue;
            }
            Set<String> named = config.get().namedTopics();
            used.addAll(named);
            Set<String> byChannels = new TreeSet<>();
            for (ServiceConfig.Channel c : config.get().channels()) {
                byChannels.add(c.topic());
                c.deadLetterTopic().ifPresent(byChannels::add);
            }
            for (String topic : named) {
                if (!declared.contains(topic)) {
                    problems.add(service + " names topic " + topic + ", which has no KafkaTopic");
                }
                if (!byChannels.contains(topic) && !design.topics().contains(topic)) {
                    problems.add(service + " names " + topic + " outside its channels, and the design table gives it no role");
                }
            }
            for (String topic : design.topics()) {
                if (!named.contains(topic)) {
                    problems.add(service + ": the design table says it uses " + topic + ", its configuration and source never name it");
                }
            }
        }
        for (String topic : declared) {
            // Topics.java gives every topic a dead-letter topic, written or not yet
            boolean deadLetterOfUsed = topic.endsWith(".dlq") && used.contains(topic.substring(0, topic.length() - 4));
            if (!used.contains(topic) && !deadLetterOfUsed) {
                problems.add("KafkaTopic " + topic + " is used by no service");
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(used.size() >= 11, "used: " + used);
    }

    @Test
    void clusterIsKraftWithNodePoolsTlsScramAndSimpleAuthorization() {
        List<Kafka> kafkas = base.all(Kafka.class);
        assertEquals(1, kafkas.size());
        Kafka kafka = kafkas.get(0);
        String cluster = kafka.getMetadata().getName();
        assertEquals(null, kafka.getSpec().getZookeeper(), "KRaft: no ZooKeeper");
        List<GenericKafkaListener> listeners = kafka.getSpec().getKafka().getListeners();
        assertEquals(1, listeners.size());
        assertTrue(listeners.get(0).isTls(), "TLS listener");
        assertEquals("scram-sha-512", listeners.get(0).getAuth().getType());
        assertEquals("simple", kafka.getSpec().getKafka().getAuthorization().getType());
        assertTrue(kafka.getSpec().getEntityOperator().getTopicOperator() != null
                && kafka.getSpec().getEntityOperator().getUserOperator() != null, "topic and user operators");
        Map<String, Object> config = kafka.getSpec().getKafka().getConfig();
        assertEquals(false, config.get("auto.create.topics.enable"), "topics come from KafkaTopics only");

        List<KafkaNodePool> pools = base.all(KafkaNodePool.class);
        int brokers = 0;
        boolean controllers = false;
        for (KafkaNodePool pool : pools) {
            assertEquals(cluster, pool.getMetadata().getLabels().get("strimzi.io/cluster"));
            if (pool.getSpec().getRoles().contains(ProcessRoles.BROKER)) {
                brokers += pool.getSpec().getReplicas();
            }
            controllers |= pool.getSpec().getRoles().contains(ProcessRoles.CONTROLLER) && pool.getSpec().getReplicas() % 2 == 1;
            JbodStorage storage = (JbodStorage) pool.getSpec().getStorage();
            assertTrue(storage.getVolumes().stream().allMatch(v -> v instanceof PersistentClaimStorage p && !p.isDeleteClaim()),
                    pool.getMetadata().getName() + ": base keeps data on claims that outlive the cluster");
        }
        assertTrue(controllers, "an odd number of KRaft controllers");
        int minIsr = Integer.parseInt(config.get("min.insync.replicas").toString());
        int replication = Integer.parseInt(config.get("default.replication.factor").toString());
        assertTrue(brokers >= replication && replication > minIsr,
                "brokers " + brokers + ", replication " + replication + ", min ISR " + minIsr + ": one broker down must stay writable");
        for (var m : Cluster.everything().manifests) {
            if (m.apiVersion().startsWith("kafka.strimzi.io/") && !m.kind().equals("Kafka")) {
                assertEquals(cluster, m.tree().path("metadata").path("labels").path("strimzi.io/cluster").asText(), m.where());
            }
        }
    }

    /** overlays/local runs one broker: everything it replicates fits on it. */
    @Test
    void localOverlayShrinksReplicationToOneBroker() {
        var local = Repo.k8s().resolve("overlays/local");
        KafkaNodePool pool = (KafkaNodePool) Manifests.parse(local.resolve("nodepool-single-ephemeral.yaml")).get(0).typed();
        assertEquals(1, pool.getSpec().getReplicas());
        Kafka kafka = (Kafka) Manifests.parse(local.resolve("kafka-single-node.yaml")).get(0).typed();
        kafka.getSpec().getKafka().getConfig().forEach((k, v) -> {
            if (k.contains("replication.factor") || k.contains("min.isr") || k.contains("min.insync")) {
                assertEquals("1", v.toString(), k);
            }
        });
        var ops = Manifests.parse(local.resolve("topics-single-replica.yaml")).get(0).tree();
        Set<String> set = new TreeSet<>();
        ops.forEach(op -> {
            set.add(op.path("path").asText());
            assertEquals(1, op.path("value").asInt(), op.toString());
        });
        assertEquals(Set.of("/spec/replicas", "/spec/config/min.insync.replicas"), set);
    }
}
