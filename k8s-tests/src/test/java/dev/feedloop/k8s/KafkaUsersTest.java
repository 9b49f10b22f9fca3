package dev.feedloop.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.k8s.model.ScaledObject;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Each KafkaUser may do exactly what its service's configuration needs, and nothing more. */
class KafkaUsersTest {

    private final Cluster base = Cluster.base();

    static Map<String, ServiceConfig> deployed(Cluster cluster) {
        Map<String, ServiceConfig> all = new LinkedHashMap<>();
        for (String service : cluster.services()) {
            all.put(service, ServiceConfig.load(service).orElseThrow(() -> new AssertionError(service + ": no configuration")));
        }
        return all;
    }

    @Test
    void eachServiceUserHasExactlyTheAclsItsConfigurationNeeds() {
        Map<String, ServiceConfig> all = deployed(base);
        assertTrue(all.keySet().containsAll(List.of("generator", "labeling")), "deployed " + all.keySet());
        Map<String, String> problems = new TreeMap<>();
        for (ServiceConfig config : all.values()) {
            KafkaUser user = base.named(KafkaUser.class, "feedloop-" + config.name())
                    .orElseThrow(() -> new AssertionError("no KafkaUser feedloop-" + config.name()));
            Map<String, Set<String>> needed = Acls.needed(config, Design.SERVICES.get(config.name()), all);
            Map<String, Set<String>> granted = Acls.of(user);
            if (!needed.equals(granted)) {
                problems.put(config.name(), "needs " + needed + "\n granted " + granted);
            }
        }
        assertEquals(Map.of(), problems);
    }

    /** The derivation notices a rule that is missing or too broad (it is not a tautology). */
    @Test
    void aMissingOrExtraRuleIsCaught() {
        Map<String, ServiceConfig> all = deployed(base);
        ServiceConfig generator = all.get("generator");
        Map<String, Set<String>> needed = Acls.needed(generator, Design.SERVICES.get("generator"), all);
        assertEquals(Set.of("Read"), needed.get(Acls.group("feedloop-generator-policies-", true)));
        assertEquals(Set.of("Read"), needed.get(Acls.group("feedloop-generator", false)));
        assertEquals(Set.of("Describe", "Write"), needed.get(Acls.topic("feedloop.prompts.v1.dlq")));
        KafkaUser user = base.named(KafkaUser.class, "feedloop-generator").orElseThrow();
        Map<String, Set<String>> granted = Acls.of(user);
        Map<String, Set<String>> missing = new TreeMap<>(granted);
        missing.remove(Acls.group("feedloop-generator-policies-", true));
        assertNotEquals(needed, missing);
        Map<String, Set<String>> broader = new TreeMap<>(granted);
        broader.put(Acls.topic("feedloop.rollouts.v1"), Set.of("Describe", "Read", "Write"));
        assertNotEquals(needed, broader);
    }

    /** No user but the services' and KEDA's; KEDA's only describes what its ScaledObjects scale on. */
    @Test
    void otherUsersOnlyDescribe() {
        Cluster everything = Cluster.everything();
        Set<String> services = new TreeSet<>();
        base.services().forEach(s -> services.add("feedloop-" + s));
        int others = 0;
        for (KafkaUser user : everything.all(KafkaUser.class)) {
            String name = user.getMetadata().getName();
            if (services.contains(name)) {
                continue;
            }
            assertEquals("feedloop-keda", name, "a KafkaUser for no service");
            others++;
            Map<String, Set<String>> granted = Acls.of(user);
            Map<String, Set<String>> needed = new TreeMap<>();
            for (ScaledObject so : everything.all(ScaledObject.class)) {
                for (ScaledObject.Trigger t : so.spec().triggers()) {
                    if (t.type().equals("kafka")) {
                        needed.put(Acls.topic(t.metadata().get("topic")), Set.of("Describe"));
                        needed.put(Acls.group(t.metadata().get("consumerGroup"), false), Set.of("Describe"));
                    }
                }
            }
            assertEquals(needed, granted);
        }
        assertEquals(1, others, "KEDA's user");
    }

    /**
     * Kafka clients built by hand from bootstrap.servers alone get none of the KAFKA_* security
     * settings (those reach SmallRye channels only), so against the TLS + SCRAM listener they cannot
     * connect. These files did so when the manifests were written; the list may only shrink.
     */
    static final Set<String> KNOWN_BOOTSTRAP_ONLY_CLIENTS = Set.of(
            "generator:GeneratorReadiness", "labeling:ReplayOffsets", "labeling:TopicWatcher",
            "reward:RewardReadiness", "reward:LatestRewardModel",
            "trainer:DeadLetterWriter", "trainer:PolicyPublisher", "trainer:RewardsConsumer", "trainer:TrainerReadiness");

    @Test
    void noNewHandBuiltKafkaClientIgnoresTheSecuritySettings() {
        Pattern file = Pattern.compile("(?s)\\bpublic (?:final )?(?:class|interface|record) (\\w+)");
        Pattern client = Pattern.compile("new KafkaProducer<|new KafkaConsumer<|Admin\\.create\\(|AdminClient\\.create\\(");
        Set<String> found = new TreeSet<>();
        for (ServiceConfig config : deployed(base).values()) {
            for (String source : config.mainSource().split("(?m)^package ")) {
                Matcher c = client.matcher(source);
                Matcher f = file.matcher(source);
                if (c.find() && f.find() && source.contains("BOOTSTRAP_SERVERS_CONFIG") && !source.contains("default-kafka-broker")) {
                    found.add(config.name() + ":" + f.group(1));
                }
            }
        }
        List<String> added = new ArrayList<>(found);
        added.removeAll(KNOWN_BOOTSTRAP_ONLY_CLIENTS);
        assertEquals(List.of(), added, "Kafka clients built from bootstrap.servers alone: inject the "
                + "@Identifier(\"default-kafka-broker\") Map<String, Object> and start from it");
    }
}
