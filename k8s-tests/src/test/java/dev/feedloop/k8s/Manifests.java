package dev.feedloop.k8s;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.feedloop.k8s.model.PodMonitor;
import dev.feedloop.k8s.model.ScaledObject;
import dev.feedloop.k8s.model.ServiceMonitor;
import dev.feedloop.k8s.model.TriggerAuthentication;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Parses manifests into their typed models: fabric8 for Kubernetes kinds, Strimzi's api for Kafka
 * kinds, small strict records for KEDA and Prometheus Operator kinds. The fabric8 and Strimzi
 * classes keep unknown fields in {@code additionalProperties} instead of failing, so
 * {@link #unknownFields} walks the parsed object and reports every such field with its path.
 */
final class Manifests {

    /** apiVersion/kind → model class. A kind not listed here is an error: add it deliberately. */
    static final Map<String, Class<?>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("v1/Pod", Pod.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("kafka.strimzi.io/v1/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1/KafkaUser", KafkaUser.class),
            Map.entry("keda.sh/v1alpha1/ScaledObject", ScaledObject.class),
            Map.entry("keda.sh/v1alpha1/TriggerAuthentication", TriggerAuthentication.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class),
            Map.entry("monitoring.coreos.com/v1/PodMonitor", PodMonitor.class));

    /** Kustomize's own files, checked by {@link Kustomizations}. */
    static final Set<String> KUSTOMIZE_KINDS = Set.of(
            "kustomize.config.k8s.io/v1beta1/Kustomization", "kustomize.config.k8s.io/v1alpha1/Component");

    static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /**
     * One YAML document of one file.
     *
     * @param file  the file
     * @param index the document's position in the file (0-based, empty documents counted)
     * @param tree  the document as parsed
     * @param typed the typed model (null for kustomize files and JSON 6902 patches)
     */
    record Manifest(Path file, int index, JsonNode tree, Object typed) {
        String apiVersion() {
            return tree.path("apiVersion").asText();
        }

        String kind() {
            return tree.path("kind").asText();
        }

        String name() {
            return tree.path("metadata").path("name").asText();
        }

        String where() {
            return Repo.root().relativize(file) + " #" + index + " (" + kind() + " " + name() + ")";
        }

        <T> T as(Class<T> type) {
            return type.cast(typed);
        }
    }

    private Manifests() {
    }

    /** Every non-empty YAML document of {@code file}; each must name a known kind (or be kustomize's or a JSON 6902 patch). */
    static List<Manifest> parse(Path file) {
        List<Manifest> out = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            var docs = YAML.readValues(parser, JsonNode.class);
            int index = 0;
            while (docs.hasNextValue()) {
                JsonNode tree = docs.nextValue();
                int i = index++;
                if (tree == null || tree.isNull() || tree.isMissingNode() || (tree.isObject() && tree.isEmpty())) {
                    continue;
                }
                out.add(new Manifest(file, i, tree, typed(file, i, tree)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
        return out;
    }

    private static Object typed(Path file, int index, JsonNode tree) {
        if (tree.isArray()) {
            return null; // a JSON 6902 patch: checked by Kustomizations
        }
        String key = tree.path("apiVersion").asText() + "/" + tree.path("kind").asText();
        if (KUSTOMIZE_KINDS.contains(key)) {
            return null;
        }
        Class<?> type = KINDS.get(key);
        if (type == null) {
            throw new IllegalArgumentException(file + " #" + index + ": unknown apiVersion/kind " + key);
        }
        try {
            return YAML.treeToValue(tree, type);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " #" + index + " (" + key + "): " + e.getMessage(), e);
        }
    }

    /** Every YAML file under {@code dir}. */
    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Paths of every field the model did not know ({@code spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem}).
     * Walks the model's Jackson properties; at each fabric8 / Strimzi / Feedloop object, a
     * non-empty {@code getAdditionalProperties()} is a field the model swallowed.
     */
    static List<String> unknownFields(Object model) {
        List<String> out = new ArrayList<>();
        walk(model, "", out, new IdentityHashMap<>());
        return out;
    }

    private static void walk(Object value, String path, List<String> out, IdentityHashMap<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, out, seen));
            return;
        }
        Class<?> type = value.getClass();
        String pkg = type.getPackageName();
        if (type.isEnum() || !(pkg.startsWith("io.fabric8") || pkg.startsWith("io.strimzi") || pkg.startsWith("dev.feedloop"))) {
            return;
        }
        try {
            Method extra = type.getMethod("getAdditionalProperties");
            Object fields = extra.invoke(value);
            if (fields instanceof Map<?, ?> m && !m.isEmpty()) {
                for (Object field : m.keySet()) {
                    out.add((path.isEmpty() ? "" : path.substring(1) + ".") + field);
                }
            }
        } catch (NoSuchMethodException e) {
            // a model class without a catch-all: Jackson already failed on unknown fields
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read additionalProperties of " + type, e);
        }
        BeanDescription bean = YAML.getSerializationConfig().introspect(YAML.constructType(type));
        for (BeanPropertyDefinition property : bean.findProperties()) {
            AnnotatedMember accessor = property.getAccessor();
            if (accessor == null) {
                continue;
            }
            accessor.fixAccess(true);
            Object child;
            try {
                child = accessor.getValue(value);
            } catch (RuntimeException e) {
                continue; // a computed property that needs state a manifest does not have
            }
            walk(child, path + "." + property.getName(), out, seen);
        }
    }
}
