package dev.feedloop.k8s;

import dev.feedloop.contracts.Topics;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What one service module reads and names, taken from its sources (no build of the service needed):
 * {@code application.properties}, the keys of its {@code @ConfigMapping} interfaces and
 * {@code @ConfigProperty} injections, its pom's extensions, and the topics it names.
 *
 * @param name        short name ({@code generator})
 * @param module      the module directory ({@code generator-service/})
 * @param properties  application.properties as written (profile-prefixed keys included)
 * @param configKeys  every configuration key the service reads; a key ending in {@code .*} is a map
 * @param pom         the module's pom.xml text
 * @param mainSource  every main Java source of the module, concatenated
 */
record ServiceConfig(String name, Path module, Map<String, String> properties, Set<String> configKeys,
                     String pom, String mainSource) {

    private static final Pattern TOPIC_NAME = Pattern.compile("feedloop\\.[a-z-]+\\.v1(?:\\.dlq)?");
    private static final Pattern QUOTED_TOPIC = Pattern.compile("\"(feedloop\\.[a-z-]+\\.v1(?:\\.dlq)?)\"");
    private static final Pattern SOURCE_GROUP = Pattern.compile("GROUP_ID_CONFIG\\s*,\\s*\"([^\"]+)\"\\s*(\\+)?");
    private static final Pattern TOPICS_CONSTANT = Pattern.compile("\\bTopics\\.([A-Z_]+)\\b");
    private static final Pattern UUID_GROUP = Pattern.compile("^(.*)\\$\\{quarkus\\.uuid}$");

    /** Loads {@code <name>-service/}; empty when the module or its application.properties is not there yet. */
    static Optional<ServiceConfig> load(String name) {
        Path module = Repo.root().resolve(name + "-service");
        Path props = module.resolve("src/main/resources/application.properties");
        if (!Files.isRegularFile(props)) {
            return Optional.empty();
        }
        Map<String, String> properties = parseProperties(Repo.read(props));
        String source = mainSource(module.resolve("src/main/java"));
        Set<String> keys = new TreeSet<>();
        for (String key : properties.keySet()) {
            keys.add(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key);
        }
        keys.addAll(ConfigMappings.keys(source));
        String pom = Repo.read(module.resolve("pom.xml"));
        return Optional.of(new ServiceConfig(name, module, properties, keys, pom, source));
    }

    static Map<String, String> parseProperties(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> map.put(k, p.getProperty(k)));
        return map;
    }

    private static String mainSource(Path dir) {
        if (!Files.isDirectory(dir)) {
            return "";
        }
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(f -> f.toString().endsWith(".java")).sorted()
                    .forEach(f -> all.append(Repo.read(f)).append('\n'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.toString();
    }

    /** A runtime (prod) property: unprefixed or {@code %prod.}; test and dev profiles do not run in a cluster. */
    Optional<String> runtime(String key) {
        String prod = properties.get("%prod." + key);
        return Optional.ofNullable(prod != null ? prod : properties.get(key));
    }

    /** quarkus.http.port as deployed (Quarkus' default 8080). */
    int httpPort() {
        return Integer.parseInt(runtime("quarkus.http.port").orElse("8080").replaceAll("\\$\\{[^:}]+:([^}]+)}", "$1"));
    }

    /** The Java type of each {@code @ConfigMapping} key ({@code int}, {@code Duration}, ...). */
    Map<String, String> configTypes() {
        return ConfigMappings.types(mainSource);
    }

    boolean hasExtension(String artifactId) {
        return pom.contains("<artifactId>" + artifactId + "</artifactId>");
    }

    /** Whether the service runs DJL / libtorch (it depends on ml-core). */
    boolean usesDjl() {
        return hasExtension("ml-core");
    }

    /** Every topic name the service's configuration or main source names (Topics constants included). */
    Set<String> namedTopics() {
        Set<String> topics = new TreeSet<>();
        for (String value : properties.values()) {
            Matcher m = TOPIC_NAME.matcher(value);
            while (m.find()) {
                topics.add(m.group());
            }
        }
        Matcher literal = QUOTED_TOPIC.matcher(mainSource);
        while (literal.find()) {
            topics.add(literal.group(1));
        }
        Matcher constant = TOPICS_CONSTANT.matcher(mainSource);
        while (constant.find()) {
            topicsConstant(constant.group(1)).ifPresent(topics::add);
        }
        return topics;
    }

    private static Optional<String> topicsConstant(String name) {
        try {
            Field f = Topics.class.getField(name);
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                String v = (String) f.get(null);
                return TOPIC_NAME.matcher(v).matches() ? Optional.of(v) : Optional.empty();
            }
        } catch (NoSuchFieldException | IllegalAccessException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** One Reactive Messaging channel of the prod configuration. */
    record Channel(String name, boolean incoming, String topic, Optional<String> groupId, Optional<String> deadLetterTopic) {
        /** A group per process ({@code prefix${quarkus.uuid}}): the prefix; else empty. */
        Optional<String> groupPrefix() {
            return groupId.map(UUID_GROUP::matcher).filter(Matcher::matches).map(m -> m.group(1));
        }
    }

    /** The Kafka channels of {@code mp.messaging.*}. */
    List<Channel> channels() {
        Map<String, Boolean> names = new LinkedHashMap<>();
        Pattern channelKey = Pattern.compile("^mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.connector$");
        for (Map.Entry<String, String> e : properties.entrySet()) {
            Matcher m = channelKey.matcher(e.getKey());
            if (m.matches() && e.getValue().equals("smallrye-kafka")) {
                names.put(m.group(2), m.group(1).equals("incoming"));
            }
        }
        List<Channel> channels = new ArrayList<>();
        names.forEach((channel, incoming) -> {
            String prefix = "mp.messaging." + (incoming ? "incoming." : "outgoing.") + channel + ".";
            String topic = runtime(prefix + "topic").orElse(channel);
            Optional<String> group = runtime(prefix + "group.id");
            Optional<String> dlq = Optional.empty();
            if (runtime(prefix + "failure-strategy").filter("dead-letter-queue"::equals).isPresent()) {
                // SmallRye's default dead-letter topic is dead-letter-topic-<channel>
                dlq = Optional.of(runtime(prefix + "dead-letter-queue.topic").orElse("dead-letter-topic-" + channel));
            }
            channels.add(new Channel(channel, incoming, topic, group, dlq));
        });
        return channels;
    }

    /**
     * Consumer groups of the plain Kafka clients in the main source ({@code GROUP_ID_CONFIG, "name"});
     * a name followed by {@code +} (a random suffix) is a prefix: mapped to true.
     */
    Map<String, Boolean> sourceGroups() {
        Map<String, Boolean> groups = new LinkedHashMap<>();
        Matcher m = SOURCE_GROUP.matcher(mainSource);
        while (m.find()) {
            groups.put(m.group(1), m.group(2) != null);
        }
        return groups;
    }

    /** Durable consumer groups (committed, shared by the replicas): literal group ids of incoming channels. */
    Set<String> durableGroups() {
        Set<String> groups = new LinkedHashSet<>();
        for (Channel c : channels()) {
            if (c.incoming() && c.groupId().isPresent() && c.groupPrefix().isEmpty()) {
                groups.add(c.groupId().get());
            }
        }
        return groups;
    }
}
