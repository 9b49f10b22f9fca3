package dev.feedloop.k8s.model;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;

/** Prometheus Operator {@code monitoring.coreos.com/v1 PodMonitor}, the fields Feedloop uses. Parsed strictly. */
public record PodMonitor(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    public record Spec(LabelSelector selector, List<Endpoint> podMetricsEndpoints) {
    }

    public record Endpoint(String port, String path, String interval) {
    }
}
