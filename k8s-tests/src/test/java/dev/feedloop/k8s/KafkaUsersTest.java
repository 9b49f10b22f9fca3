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
     * Kafka clients built by hand must start from the application's default Kafka configuration
     * (Quarkus's {@code @Identifier("default-kafka-broker") Map<String, Object>}: bootstrap.servers
     * and every {@code kafka.*} key, the KAFKA_* security settings among them); built from
     * bootstrap.servers alone they cannot connect to the TLS + SCRAM listener. A file that builds a
     * client must inject that map itself, or copy a {@code Map<String, Object>} it is handed
     * ({@code new HashMap<>(name)}) in a module where a bean injects the map; no main source sets
     * bootstrap.servers by itself.
     */
    @Test
    void everyHandBuiltKafkaClientStartsFromTheDefaultConfiguration() {
        Map<String, List<String>> problems = new TreeMap<>();
        int clients = 0;
        for (ServiceConfig config : deployed(base).values()) {
            List<String> found = clientsNotFromDefaultConfig(config.mainSource());
            if (!found.isEmpty()) {
                problems.put(config.name(), found);
            }
            clients += CLIENT.matcher(config.mainSource()).results().count();
        }
        assertTrue(clients >= 9, "the scan finds the hand-built clients (" + clients + ")");
        assertEquals(Map.of(), problems, "Kafka clients not built from the default configuration: inject the "
                + "@Identifier(\"default-kafka-broker\") Map<String, Object> and start every client's config from it");
    }

    /** The scan is not a tautology: it catches a bootstrap-only client and a map no bean provides. */
    @Test
    void aClientBuiltFromBootstrapServersAloneIsCaught() {
        String bootstrapOnly = """
                package a;
                public class Probe {
                    @ConfigProperty(name = "kafka.bootstrap.servers") String servers;
                    Admin admin() { return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers)); }
                }
                """;
        String injected = """
                package a;
                public class Probe {
                    @Inject @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig;
                    Admin admin() { return Admin.create(new HashMap<>(kafkaConfig)); }
                }
                """;
        String handed = """
                package a;
                public final class Writer {
                    public Writer(Map<String, Object> kafkaConfig) {
                        Map<String, Object> props = new HashMap<>(kafkaConfig);
                        this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
                    }
                }
                """;
        String handedBootstrapOnly = """
                package a;
                public final class Writer {
                    public Writer(Map<String, Object> kafkaConfig) {
                        Map<String, Object> props = new HashMap<>(kafkaConfig);
                        props.put("bootstrap.servers", "localhost:9092");
                        this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
                    }
                }
                """;
        assertEquals(List.of("Probe"), clientsNotFromDefaultConfig(bootstrapOnly));
        assertEquals(List.of(), clientsNotFromDefaultConfig(injected));
        assertEquals(List.of(), clientsNotFromDefaultConfig(injected + handed));
        assertEquals(List.of("Writer"), clientsNotFromDefaultConfig(handed), "no bean injects the map");
        assertEquals(List.of("Writer"), clientsNotFromDefaultConfig(injected + handedBootstrapOnly));
    }

    private static final Pattern CLIENT = Pattern.compile("new KafkaProducer<|new KafkaConsumer<|Admin\\.create\\(|AdminClient\\.create\\(");
    private static final Pattern PUBLIC_TYPE = Pattern.compile("(?m)^(?:public )?(?:final )?(?:class|interface|record) (\\w+)");
    private static final Pattern BOOTSTRAP_ALONE = Pattern.compile("BOOTSTRAP_SERVERS_CONFIG|\"(?:kafka\\.)?bootstrap\\.servers\"");
    private static final Pattern MAP_PARAMETER = Pattern.compile("Map<String, Object> (\\w+)\\s*[,)]");
    private static final String DEFAULT_CONFIG = "@Identifier(\"default-kafka-broker\")";

    /** Simple names of the main-source files (of one module, concatenated) whose Kafka clients do not start from the default configuration. */
    static List<String> clientsNotFromDefaultConfig(String moduleSource) {
        boolean provided = moduleSource.contains(DEFAULT_CONFIG);
        List<String> found = new ArrayList<>();
        for (String source : moduleSource.split("(?m)^package ")) {
            if (!CLIENT.matcher(source).find()) {
                continue;
            }
            boolean fromDefault = source.contains(DEFAULT_CONFIG);
            if (!fromDefault && provided) {
                Matcher p = MAP_PARAMETER.matcher(source);
                while (p.find() && !fromDefault) {
                    fromDefault = Pattern.compile("new HashMap<>\\((?:this\\.)?" + p.group(1) + "\\)").matcher(source).find();
                }
            }
            if (!fromDefault || BOOTSTRAP_ALONE.matcher(source).find()) {
                Matcher type = PUBLIC_TYPE.matcher(source);
                found.add(type.find() ? type.group(1) : source.lines().findFirst().orElse("?"));
            }
        }
        return found;
    }
}
