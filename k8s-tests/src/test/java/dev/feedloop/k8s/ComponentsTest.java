package dev.feedloop.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.contracts.Topics;
import dev.feedloop.k8s.model.ScaledObject;
import dev.feedloop.k8s.model.ServiceMonitor;
import dev.feedloop.k8s.model.TriggerAuthentication;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.strimzi.api.kafka.model.kafka.Kafka;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The optional components: autoscaling (HPA or KEDA), network policies, monitoring, the GPU trainer. */
class ComponentsTest {

    private final Cluster everything = Cluster.everything();
    private final Cluster base = Cluster.base();

    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        if (selector.getMatchLabels() != null && !labels.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
            return false;
        }
        for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
            String v = labels.get(r.getKey());
            boolean ok = switch (r.getOperator()) {
                case "In" -> v != null && r.getValues().contains(v);
                case "NotIn" -> v == null || !r.getValues().contains(v);
                case "Exists" -> v != null;
                case "DoesNotExist" -> v == null;
                default -> throw new AssertionError("operator " + r.getOperator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static Map<String, String> podLabels(Deployment d) {
        return d.getSpec().getTemplate().getMetadata().getLabels();
    }

    /**
     * A service that writes versions to the checkpoint volume (reward, trainer) runs exactly one
     * process: two would write the same version directories. So: one replica, Recreate, no autoscaler.
     */
    @Test
    void versionWritersRunAsOneProcessAndAreNotAutoscaled() {
        Set<String> scaled = new TreeSet<>();
        everything.all(HorizontalPodAutoscaler.class).forEach(h -> scaled.add(h.getSpec().getScaleTargetRef().getName()));
        everything.all(ScaledObject.class).forEach(s -> scaled.add(s.spec().scaleTargetRef().name()));
        for (String service : List.of("reward", "trainer")) {
            if (!base.services().contains(service)) {
                continue;
            }
            Deployment d = base.deployment(service);
            assertEquals(1, d.getSpec().getReplicas(), service);
            assertEquals("Recreate", d.getSpec().getStrategy().getType(), service);
            assertTrue(!scaled.contains(d.getMetadata().getName()), service + " is autoscaled");
            for (Cluster overlay : Cluster.overlays()) {
                Kustomizations.load(overlay.dir).tree().path("replicas").forEach(r ->
                        assertTrue(!r.path("name").asText().equals(d.getMetadata().getName()) || r.path("count").asInt() == 1,
                                overlay + " scales " + service));
            }
        }
        assertTrue(scaled.contains("feedloop-generator"), "the generator is autoscaled: " + scaled);
    }

    @Test
    void autoscalersTargetDeploymentsWithinSensibleBounds() {
        List<String> problems = new ArrayList<>();
        for (HorizontalPodAutoscaler h : everything.all(HorizontalPodAutoscaler.class)) {
            String target = h.getSpec().getScaleTargetRef().getName();
            if (!everything.has("Deployment", target) || !"Deployment".equals(h.getSpec().getScaleTargetRef().getKind())) {
                problems.add("HPA " + h.getMetadata().getName() + " targets no Deployment " + target);
            }
            if (h.getSpec().getMinReplicas() > h.getSpec().getMaxReplicas()) {
                problems.add("HPA " + h.getMetadata().getName() + ": min > max");
            }
            if (h.getSpec().getMetrics().stream().anyMatch(m -> m.getResource() != null && m.getResource().getName().equals("cpu"))
                    && everything.deploymentResources(target).map(r -> !r.getRequests().containsKey("cpu")).orElse(true)) {
                problems.add("HPA " + h.getMetadata().getName() + ": CPU utilisation needs a CPU request");
            }
        }
        Kafka kafka = base.all(Kafka.class).get(0);
        String bootstrap = kafka.getMetadata().getName() + "-kafka-bootstrap:" + kafka.getSpec().getKafka().getListeners().get(0).getPort();
        Set<String> auths = new HashSet<>();
        everything.all(TriggerAuthentication.class).forEach(t -> auths.add(t.metadata().getName()));
        for (ScaledObject so : everything.all(ScaledObject.class)) {
            String target = so.spec().scaleTargetRef().name();
            String service = target.replaceFirst("^feedloop-", "");
            if (!everything.has("Deployment", target)) {
                problems.add("ScaledObject " + so.metadata().getName() + " targets no Deployment " + target);
                continue;
            }
            ServiceConfig config = ServiceConfig.load(service).orElseThrow();
            for (ScaledObject.Trigger t : so.spec().triggers()) {
                if (!t.type().equals("kafka")) {
                    continue;
                }
                Map<String, String> md = t.metadata();
                String topic = md.get("topic");
                String group = md.get("consumerGroup");
                boolean consumes = config.channels().stream().anyMatch(c -> c.incoming() && c.topic().equals(topic)
                        && c.groupId().filter(group::equals).isPresent() && c.groupPrefix().isEmpty());
                if (!consumes) {
                    problems.add("ScaledObject " + so.metadata().getName() + ": " + service + " has no shared group " + group + " on " + topic);
                }
                if (so.spec().maxReplicaCount() > Topics.spec(topic).partitions()) {
                    problems.add("ScaledObject " + so.metadata().getName() + ": " + so.spec().maxReplicaCount()
                            + " replicas for " + Topics.spec(topic).partitions() + " partitions of " + topic);
                }
                if (!bootstrap.equals(md.get("bootstrapServers"))) {
                    problems.add("ScaledObject " + so.metadata().getName() + ": bootstrapServers " + md.get("bootstrapServers"));
                }
                if (t.authenticationRef() == null || !auths.contains(t.authenticationRef().name())) {
                    problems.add("ScaledObject " + so.metadata().getName() + ": no TriggerAuthentication");
                }
            }
        }
        for (TriggerAuthentication t : everything.all(TriggerAuthentication.class)) {
            for (TriggerAuthentication.SecretTargetRef ref : t.spec().secretTargetRef()) {
                boolean exists = everything.has("Secret", ref.name()) || everything.has("KafkaUser", ref.name())
                        || ref.name().equals(WorkloadsTest.CLUSTER_CA);
                if (!exists) {
                    problems.add("TriggerAuthentication " + t.metadata().getName() + ": no secret " + ref.name());
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(!everything.all(ScaledObject.class).isEmpty(), "a KEDA alternative exists");
    }

    /** A PodDisruptionBudget that leaves no pod to evict blocks every node drain. */
    @Test
    void disruptionBudgetsLeaveRoomToDrain() {
        int budgets = 0;
        for (Cluster overlay : Cluster.overlays()) {
            Map<String, Integer> replicas = new java.util.HashMap<>();
            overlay.all(Deployment.class).forEach(d -> replicas.put(d.getMetadata().getName(), d.getSpec().getReplicas()));
            Kustomizations.load(overlay.dir).tree().path("replicas")
                    .forEach(r -> replicas.put(r.path("name").asText(), r.path("count").asInt()));
            for (var pdb : overlay.all(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class)) {
                budgets++;
                List<Deployment> selected = overlay.all(Deployment.class).stream()
                        .filter(d -> selects(pdb.getSpec().getSelector(), podLabels(d))).toList();
                assertEquals(1, selected.size(), overlay + ": PDB " + pdb.getMetadata().getName());
                int count = replicas.get(selected.get(0).getMetadata().getName());
                assertTrue(count > pdb.getSpec().getMinAvailable().getIntVal(),
                        overlay + ": PDB " + pdb.getMetadata().getName() + " minAvailable " + pdb.getSpec().getMinAvailable() + " of " + count);
            }
        }
        assertTrue(budgets >= 2, budgets + " budgets");
    }

    /** HPA and KEDA on one Deployment fight: no overlay may include both components. */
    @Test
    void noOverlayHasTwoAutoscalersForOneDeployment() {
        for (Cluster overlay : Cluster.overlays()) {
            Set<String> targets = new HashSet<>();
            for (HorizontalPodAutoscaler h : overlay.all(HorizontalPodAutoscaler.class)) {
                assertTrue(targets.add(h.getSpec().getScaleTargetRef().getName()), overlay + ": two autoscalers");
            }
            for (ScaledObject s : overlay.all(ScaledObject.class)) {
                assertTrue(targets.add(s.spec().scaleTargetRef().name()), overlay + ": HPA and ScaledObject on " + s.spec().scaleTargetRef().name());
            }
        }
    }

    @Test
    void networkPoliciesSelectRealPodsAndPorts() {
        List<String> problems = new ArrayList<>();
        List<Deployment> deployments = everything.all(Deployment.class);
        Set<String> services = new TreeSet<>();
        deployments.forEach(d -> services.add(d.getMetadata().getName()));
        Set<String> denied = new TreeSet<>();
        for (NetworkPolicy np : everything.all(NetworkPolicy.class)) {
            String name = np.getMetadata().getName();
            List<Deployment> selected = deployments.stream().filter(d -> selects(np.getSpec().getPodSelector(), podLabels(d))).toList();
            if (selected.isEmpty()) {
                problems.add(name + " selects no pods");
            }
            if (np.getSpec().getIngress().isEmpty() && np.getSpec().getEgress().isEmpty()
                    && np.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))) {
                selected.forEach(d -> denied.add(d.getMetadata().getName()));
            }
            for (var rule : np.getSpec().getIngress()) {
                for (NetworkPolicyPort port : rule.getPorts()) {
                    for (Deployment d : selected) {
                        if (!hasPort(d, port.getPort())) {
                            problems.add(name + ": " + d.getMetadata().getName() + " has no port " + port.getPort());
                        }
                    }
                }
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    if (peer.getNamespaceSelector() == null && peer.getPodSelector() != null
                            && deployments.stream().noneMatch(d -> selects(peer.getPodSelector(), podLabels(d)))) {
                        problems.add(name + ": ingress from pods that do not exist");
                    }
                }
            }
        }
        if (!denied.equals(services)) {
            problems.add("default deny covers " + denied + ", deployments are " + services);
        }
        Kafka kafka = base.all(Kafka.class).get(0);
        int listener = kafka.getSpec().getKafka().getListeners().get(0).getPort();
        boolean kafkaEgress = everything.all(NetworkPolicy.class).stream().flatMap(np -> np.getSpec().getEgress().stream())
                .anyMatch(e -> e.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() != null && p.getPort().getIntVal() == listener)
                        && e.getTo().stream().anyMatch(t -> t.getPodSelector() != null
                        && kafka.getMetadata().getName().equals(t.getPodSelector().getMatchLabels().get("strimzi.io/cluster"))));
        if (!kafkaEgress) {
            problems.add("no egress to the Kafka listener port " + listener);
        }
        // the listener's peers (patched in by the component) admit every service
        var peers = Manifests.parse(Repo.k8s().resolve("components/network-policies/kafka-listener-peers.yaml")).get(0).tree();
        var values = peers.get(0).path("value").get(0).path("podSelector").path("matchExpressions").get(0).path("values");
        Set<String> admitted = new TreeSet<>();
        values.forEach(v -> admitted.add(v.asText()));
        if (!admitted.equals(services)) {
            problems.add("the Kafka listener admits " + admitted + ", deployments are " + services);
        }
        assertEquals(List.of(), problems);
    }

    private static boolean hasPort(Deployment d, IntOrString port) {
        for (ContainerPort p : Cluster.container(d).getPorts()) {
            if (port.getStrVal() != null ? port.getStrVal().equals(p.getName()) : port.getIntVal().equals(p.getContainerPort())) {
                return true;
            }
        }
        return false;
    }

    /** A ServiceMonitor for exactly the services that expose /q/metrics (micrometer's Prometheus registry). */
    @Test
    void serviceMonitorsScrapeTheServicesThatExposeMetrics() {
        List<String> problems = new ArrayList<>();
        Set<String> monitored = new TreeSet<>();
        for (ServiceMonitor sm : everything.all(ServiceMonitor.class)) {
            List<Service> selected = everything.all(Service.class).stream()
                    .filter(s -> selects(sm.spec().selector(), s.getMetadata().getLabels())).toList();
            if (selected.size() != 1) {
                problems.add(sm.metadata().getName() + " selects " + selected.size() + " Services");
                continue;
            }
            Service svc = selected.get(0);
            String service = svc.getMetadata().getName().replaceFirst("^feedloop-", "");
            monitored.add(service);
            for (ServiceMonitor.Endpoint e : sm.spec().endpoints()) {
                if (svc.getSpec().getPorts().stream().noneMatch(p -> p.getName().equals(e.port()))) {
                    problems.add(sm.metadata().getName() + ": Service has no port " + e.port());
                }
                if (!"/q/metrics".equals(e.path())) {
                    problems.add(sm.metadata().getName() + ": path " + e.path());
                }
            }
        }
        Set<String> exposing = new TreeSet<>();
        for (String service : base.services()) {
            if (ServiceConfig.load(service).orElseThrow().hasExtension("quarkus-micrometer-registry-prometheus")) {
                exposing.add(service);
            }
        }
        assertEquals(List.of(), problems);
        assertEquals(exposing, monitored);
    }

    /** The Kafka metrics patch is a valid Strimzi metricsConfig, and the PodMonitor scrapes the port it opens. */
    @Test
    void kafkaMetricsAreOnAndScraped() throws Exception {
        var ops = Manifests.parse(Repo.k8s().resolve("components/monitoring/kafka-metrics.yaml")).get(0).tree();
        assertEquals("/spec/kafka/metricsConfig", ops.get(0).path("path").asText());
        var metrics = Manifests.YAML.treeToValue(ops.get(0).path("value"),
                io.strimzi.api.kafka.model.common.metrics.MetricsConfig.class);
        assertTrue(metrics instanceof io.strimzi.api.kafka.model.common.metrics.StrimziMetricsReporter, metrics.getClass().toString());
        assertEquals(List.of(), Manifests.unknownFields(metrics));
        String cluster = base.all(Kafka.class).get(0).getMetadata().getName();
        var monitors = everything.all(dev.feedloop.k8s.model.PodMonitor.class);
        assertEquals(1, monitors.size());
        var monitor = monitors.get(0);
        assertEquals(Map.of("strimzi.io/cluster", cluster, "strimzi.io/kind", "Kafka"), monitor.spec().selector().getMatchLabels());
        assertEquals("tcp-prometheus", monitor.spec().podMetricsEndpoints().get(0).port());
    }

    @Test
    void gpuTrainerAsksForAGpuOnAGpuNodeWithTheCudaImage() {
        Cluster prod = Cluster.of(Repo.k8s().resolve("overlays/prod"));
        Deployment patch = prod.strategicPatches().stream()
                .filter(m -> m.typed() instanceof Deployment d && d.getMetadata().getName().equals("feedloop-trainer"))
                .map(m -> (Deployment) m.typed()).findFirst()
                .orElseThrow(() -> new AssertionError("prod has no GPU patch of the trainer"));
        var pod = patch.getSpec().getTemplate().getSpec();
        var container = pod.getContainers().get(0);
        assertEquals("trainer", container.getName(), "the patch merges into the trainer container by name");
        assertEquals(Cluster.container(base.deployment("trainer")).getName(), container.getName());
        assertEquals(new Quantity("1"), container.getResources().getLimits().get("nvidia.com/gpu"));
        assertEquals("true", pod.getNodeSelector().get("nvidia.com/gpu.present"));
        assertTrue(pod.getTolerations().stream().anyMatch(t -> "nvidia.com/gpu".equals(t.getKey()) && "NoSchedule".equals(t.getEffect())));
        assertTrue(container.getImage().contains("cuda"), container.getImage());
        Map<String, String> env = new java.util.HashMap<>();
        container.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
        assertEquals("cu128", env.get("PYTORCH_FLAVOR"));
        assertTrue(env.containsKey("PYTORCH_LIBRARY_PATH"));
        assertEquals("feedloop/trainer-service-cuda:0.1.0", prod.images().get("feedloop-trainer/trainer"));
    }
}
