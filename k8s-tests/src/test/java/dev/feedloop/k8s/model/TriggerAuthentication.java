package dev.feedloop.k8s.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;

/** KEDA {@code keda.sh/v1alpha1 TriggerAuthentication}: trigger parameters taken from secrets. Parsed strictly. */
public record TriggerAuthentication(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    public record Spec(List<SecretTargetRef> secretTargetRef) {
    }

    public record SecretTargetRef(String parameter, String name, String key) {
    }
}
