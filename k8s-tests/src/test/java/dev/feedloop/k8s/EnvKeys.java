package dev.feedloop.k8s;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Environment variable names against the configuration a service reads. MicroProfile Config finds
 * a key in the environment under its name with every non-alphanumeric character replaced by
 * {@code _}, upper-cased ({@code feedloop.generator.samples-per-prompt} →
 * {@code FEEDLOOP_GENERATOR_SAMPLES_PER_PROMPT}); Quarkus also hands every {@code KAFKA_*} to the
 * Kafka clients as a {@code kafka.*} key ({@code KAFKA_SASL_JAAS_CONFIG} → {@code sasl.jaas.config}).
 */
final class EnvKeys {

    /** Quarkus keys the manifests may set that no application.properties has to name. */
    static final Set<String> QUARKUS = Set.of("QUARKUS_HTTP_PORT", "QUARKUS_LOG_LEVEL", "QUARKUS_PROFILE");

    /** Read by the JVM, DJL or libgomp, not by Quarkus config (STACK-NOTES pitfalls 10–12). */
    static final Set<String> PROCESS = Set.of("JAVA_TOOL_OPTIONS", "DJL_CACHE_DIR", "OPT_OUT_TRACKING",
            "OMP_WAIT_POLICY", "PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR");

    private EnvKeys() {
    }

    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    /** The Kafka client settings (producer, consumer, admin) by name. */
    static Set<String> kafkaClientKeys() {
        Set<String> keys = new TreeSet<>(ProducerConfig.configNames());
        keys.addAll(ConsumerConfig.configNames());
        keys.addAll(AdminClientConfig.configNames());
        return keys;
    }

    /** Why {@code env} is not something the service reads, or empty when it is. */
    static Optional<String> problem(String env, Set<String> configKeys) {
        if (QUARKUS.contains(env) || PROCESS.contains(env)) {
            return Optional.empty();
        }
        if (env.startsWith("KAFKA_")) {
            String key = env.substring(6).toLowerCase().replace('_', '.');
            return kafkaClientKeys().contains(key) ? Optional.empty()
                    : Optional.of(env + ": kafka." + key + " is no Kafka client setting");
        }
        for (String key : configKeys) {
            if (key.endsWith(".*") ? env.startsWith(envName(key.substring(0, key.length() - 2)) + "_") : env.equals(envName(key))) {
                return Optional.empty();
            }
        }
        return Optional.of(env + ": no configuration key of the service maps to it");
    }

    /**
     * Why {@code value} cannot convert to {@code type} the way SmallRye Config converts it, or empty.
     * Durations: ISO-8601 ({@code PT10M}) or a number with a unit ({@code 50ms}, {@code 2s}, {@code 5m}).
     */
    static Optional<String> valueProblem(String value, String type) {
        String t = type.replaceAll("^Optional<(.*)>$", "$1");
        boolean ok = switch (t) {
            case "int", "Integer", "long", "Long" -> value.trim().matches("-?\\d+");
            case "double", "Double", "float", "Float" -> value.trim().matches("-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
            case "boolean", "Boolean" -> value.trim().matches("(?i)true|false|yes|no|on|off|1|0|y|n");
            case "Duration" -> value.trim().matches("(?i)P.*|-?\\d+(ms|s|m|h|d)?");
            default -> true;
        };
        return ok ? Optional.empty() : Optional.of("\"" + value + "\" is no " + t);
    }

    /** Why a key of a mounted config/application.properties is not read, or empty when it is. */
    static Optional<String> keyProblem(String key, Set<String> configKeys) {
        String k = key.replace("\"", "");
        for (String known : configKeys) {
            String kn = known.replace("\"", "");
            if (kn.endsWith(".*") ? k.startsWith(kn.substring(0, kn.length() - 1)) : k.equals(kn)) {
                return Optional.empty();
            }
        }
        return Optional.of(key + ": the service reads no such key");
    }
}
