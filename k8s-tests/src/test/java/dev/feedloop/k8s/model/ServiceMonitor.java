package dev.feedloop.k8s.model;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;

/** Prometheus Operator {@code monitoring.coreos.com/v1 ServiceMonitor}, the fields Feedloop uses. Parsed strictly. */
public record ServiceMonitor(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    public record Spec(LabelSelector selector, List<Endpoint> endpoints, String jobLabel) {
    }

    public record Endpoint(String port, String path, String interval, String scrapeTimeout, String scheme) {
    }
}
