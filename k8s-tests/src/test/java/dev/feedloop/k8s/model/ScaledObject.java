package dev.feedloop.k8s.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;

/**
 * KEDA {@code keda.sh/v1alpha1 ScaledObject}, the fields Feedloop uses (fabric8 has no KEDA model).
 * Parsed strictly: a field not declared here fails, as a typo would.
 */
public record ScaledObject(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    public record Spec(ScaleTargetRef scaleTargetRef, Integer pollingInterval, Integer cooldownPeriod,
                       Integer minReplicaCount, Integer maxReplicaCount, List<Trigger> triggers) {
    }

    public record ScaleTargetRef(String apiVersion, String kind, String name) {
    }

    public record Trigger(String type, String name, Map<String, String> metadata, AuthenticationRef authenticationRef) {
    }

    public record AuthenticationRef(String name, String kind) {
    }
}
