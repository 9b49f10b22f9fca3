package dev.feedloop.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Deployments, Services and their wiring to the services' configuration, Kafka and the checkpoint volume. */
class WorkloadsTest {

    static final String CHECKPOINTS = "/checkpoints";
    /** Secrets the Strimzi operators create: the cluster CA and one per KafkaUser. */
    static final String CLUSTER_CA = "feedloop-cluster-ca-cert";
    /** Secrets prod expects to exist before apply (k8s/README.md, "Secrets"). */
    static final Set<String> CREATED_BEFORE_APPLY = Set.of("feedloop-labeling-auth");

    private final Cluster base = Cluster.base();

    @Test
    void everyServiceIsDeployedFromItsModule() {
        List<String> services = base.services();
        assertTrue(services.containsAll(List.of("generator", "labeling")), "deployed: " + services);
        for (String service : services) {
            assertTrue(ServiceConfig.load(service).isPresent(),
                    "k8s/base deploys " + service + " but " + service + "-service has no application.properties");
        }
    }

    @Test
    void eachServiceSelectsThePodsOfADeploymentOnANamedPort() {
        List<String> problems = new ArrayList<>();
        for (Service svc : Cluster.everything().all(Service.class)) {
            Map<String, String> selector = svc.getSpec().getSelector();
            List<Deployment> selected = Cluster.everything().all(Deployment.class).stream()
                    .filter(d -> selector != null && !selector.isEmpty()
                            && d.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                    .toList();
            if (selected.size() != 1) {
                problems.add("Service " + svc.getMetadata().getName() + " selects " + selected.size() + " Deployments");
                continue;
            }
            Container c = Cluster.container(selected.get(0));
            for (ServicePort port : svc.getSpec().getPorts()) {
                String target = port.getTargetPort().getStrVal();
                Optional<ContainerPort> cp = c.getPorts().stream().filter(p -> p.getName().equals(target)).findFirst();
                if (cp.isEmpty()) {
                    problems.add("Service " + svc.getMetadata().getName() + " targets port " + port.getTargetPort() + ", not a named container port");
                } else if (!Objects.equals(port.getPort(), cp.get().getContainerPort())) {
                    problems.add("Service " + svc.getMetadata().getName() + " port " + port.getPort() + " != container port " + cp.get().getContainerPort());
                }
            }
        }
        for (Deployment d : Cluster.everything().all(Deployment.class)) {
            Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
            if (!labels.entrySet().containsAll(d.getSpec().getSelector().getMatchLabels().entrySet())) {
                problems.add("Deployment " + d.getMetadata().getName() + ": selector does not match its pod labels");
            }
            if (!d.getSpec().getTemplate().getSpec().getServiceAccountName().equals(d.getMetadata().getName())
                    || !base.has("ServiceAccount", d.getMetadata().getName())) {
                problems.add("Deployment " + d.getMetadata().getName() + ": not run as its own ServiceAccount");
            }
            if (Cluster.everything().all(Service.class).stream().noneMatch(s -> s.getMetadata().getName().equals(d.getMetadata().getName()))) {
                problems.add("Deployment " + d.getMetadata().getName() + ": no Service of the same name");
            }
        }
        assertEquals(List.of(), problems);
    }

    /** The HTTP port is the service's quarkus.http.port, and the probes are SmallRye Health's endpoints on it. */
    @Test
    void portsAndProbesMatchTheServicesConfiguration() {
        List<String> problems = new ArrayList<>();
        for (String service : base.services()) {
            ServiceConfig config = ServiceConfig.load(service).orElseThrow();
            Container c = Cluster.container(base.deployment(service));
            Optional<ContainerPort> http = c.getPorts().stream().filter(p -> p.getName().equals("http")).findFirst();
            if (http.isEmpty() || http.get().getContainerPort() != config.httpPort()) {
                problems.add(service + ": container port http " + http.map(ContainerPort::getContainerPort).orElse(null)
                        + " but quarkus.http.port is " + config.httpPort());
            }
            if (config.runtime("quarkus.grpc.server.use-separate-server").filter("false"::equals).isEmpty()
                    && config.hasExtension("quarkus-grpc")) {
                problems.add(service + ": gRPC on a separate port, which no Service exposes");
            }
            if (!config.hasExtension("quarkus-smallrye-health")) {
                problems.add(service + ": probes on /q/health but the module has no quarkus-smallrye-health");
            }
            String root = "/" + config.runtime("quarkus.http.non-application-root-path").orElse("q") + "/"
                    + config.runtime("quarkus.smallrye-health.root-path").orElse("health");
            probe(problems, service, "liveness", c.getLivenessProbe(), root + "/live");
            probe(problems, service, "readiness", c.getReadinessProbe(), root + "/ready");
            probe(problems, service, "startup", c.getStartupProbe(), root + "/started");
        }
        assertEquals(List.of(), problems);
    }

    private static void probe(List<String> problems, String service, String kind, Probe probe, String path) {
        HTTPGetAction get = probe == null ? null : probe.getHttpGet();
        if (get == null) {
            problems.add(service + ": no " + kind + " httpGet probe");
        } else if (!get.getPath().equals(path) || !"http".equals(get.getPort().getStrVal())) {
            problems.add(service + ": " + kind + " probe " + get.getPath() + " on " + get.getPort() + ", expected " + path + " on http");
        }
    }

    @Test
    void podsRunLockedDownWithRequestsAndLimits() {
        List<String> problems = new ArrayList<>();
        for (String service : base.services()) {
            ServiceConfig config = ServiceConfig.load(service).orElseThrow();
            Deployment d = base.deployment(service);
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            Container c = Cluster.container(d);
            PodSecurityContext psc = pod.getSecurityContext();
            SecurityContext sc = c.getSecurityContext();
            if (sc == null || psc == null) {
                problems.add(service + ": no security context");
                continue;
            }
            check(problems, service, "runAsNonRoot", Boolean.TRUE.equals(sc.getRunAsNonRoot()) || Boolean.TRUE.equals(psc.getRunAsNonRoot()));
            check(problems, service, "readOnlyRootFilesystem", Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem()));
            check(problems, service, "allowPrivilegeEscalation false", Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation()));
            check(problems, service, "capabilities drop ALL", sc.getCapabilities() != null && sc.getCapabilities().getDrop().contains("ALL"));
            check(problems, service, "seccomp RuntimeDefault", psc.getSeccompProfile() != null && "RuntimeDefault".equals(psc.getSeccompProfile().getType()));
            check(problems, service, "no service account token", Boolean.FALSE.equals(pod.getAutomountServiceAccountToken()));
            var res = c.getResources();
            check(problems, service, "cpu and memory requests", res != null && res.getRequests().containsKey("cpu") && res.getRequests().containsKey("memory"));
            check(problems, service, "memory limit", res != null && res.getLimits().containsKey("memory"));
            check(problems, service, "emptyDir at /tmp", emptyDirAt(pod, c, "/tmp"));
            if (config.usesDjl()) {
                Optional<String> cache = env(base, c).entrySet().stream().filter(e -> e.getKey().equals("DJL_CACHE_DIR"))
                        .map(Map.Entry::getValue).findFirst();
                check(problems, service, "DJL_CACHE_DIR on an emptyDir", cache.isPresent() && emptyDirAt(pod, c, cache.get()));
                check(problems, service, "ai.djl.offline=true", env(base, c).getOrDefault("JAVA_TOOL_OPTIONS", "").contains("-Dai.djl.offline=true"));
                // more PyTorch threads than CPUs only queue behind the CFS quota (STACK-NOTES pitfall 10)
                String threads = env(base, c).get("FEEDLOOP_" + service.toUpperCase() + "_INTRA_OP_THREADS");
                check(problems, service, "FEEDLOOP_" + service.toUpperCase() + "_INTRA_OP_THREADS set", threads != null);
                if (threads != null && res != null) {
                    double cpus = res.getRequests().get("cpu").getNumericalAmount().doubleValue();
                    check(problems, service, threads + " intra-op threads for " + cpus + " requested CPUs",
                            Integer.parseInt(threads) <= Math.max(1, cpus));
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    private static void check(List<String> problems, String service, String what, boolean ok) {
        if (!ok) {
            problems.add(service + ": " + what);
        }
    }

    private static boolean emptyDirAt(PodSpec pod, Container c, String path) {
        return c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path))
                .anyMatch(m -> volume(pod, m.getName()).map(v -> v.getEmptyDir() != null).orElse(false));
    }

    static Optional<Volume> volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst();
    }

    /** A container's environment: envFrom ConfigMaps (found in {@code cluster}), then env; secret-valued entries as "<secret>". */
    static Map<String, String> env(Cluster cluster, Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : c.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                cluster.named(ConfigMap.class, from.getConfigMapRef().getName())
                        .orElseThrow(() -> new AssertionError("no ConfigMap " + from.getConfigMapRef().getName()))
                        .getData().forEach(env::put);
            }
        }
        for (EnvVar e : c.getEnv()) {
            env.put(e.getName(), e.getValue() != null ? e.getValue() : "<secret>");
        }
        return env;
    }

    /** Every ConfigMap and Secret a pod uses exists in the overlay, is made by Strimzi, or is documented as created first. */
    @Test
    void referencedConfigMapsAndSecretsExist() {
        List<String> problems = new ArrayList<>();
        String readme = Repo.read(Repo.k8s().resolve("README.md"));
        for (Cluster overlay : Cluster.overlays()) {
            Set<String> strimzi = new TreeSet<>(Set.of(CLUSTER_CA));
            overlay.all(KafkaUser.class).forEach(u -> strimzi.add(u.getMetadata().getName()));
            for (Deployment d : overlay.all(Deployment.class)) {
                PodSpec pod = d.getSpec().getTemplate().getSpec();
                Set<String> secrets = new TreeSet<>();
                Set<String> configMaps = new TreeSet<>();
                for (Container c : pod.getContainers()) {
                    c.getEnvFrom().forEach(f -> {
                        if (f.getConfigMapRef() != null) {
                            configMaps.add(f.getConfigMapRef().getName());
                        }
                        if (f.getSecretRef() != null) {
                            secrets.add(f.getSecretRef().getName());
                        }
                    });
                    c.getEnv().stream().filter(e -> e.getValueFrom() != null).forEach(e -> {
                        if (e.getValueFrom().getSecretKeyRef() != null) {
                            secrets.add(e.getValueFrom().getSecretKeyRef().getName());
                        }
                        if (e.getValueFrom().getConfigMapKeyRef() != null) {
                            configMaps.add(e.getValueFrom().getConfigMapKeyRef().getName());
                        }
                    });
                }
                for (Volume v : pod.getVolumes()) {
                    if (v.getSecret() != null) {
                        secrets.add(v.getSecret().getSecretName());
                    }
                    if (v.getConfigMap() != null) {
                        configMaps.add(v.getConfigMap().getName());
                    }
                    if (v.getPersistentVolumeClaim() != null && !overlay.has("PersistentVolumeClaim", v.getPersistentVolumeClaim().getClaimName())) {
                        problems.add(overlay + ": " + d.getMetadata().getName() + " mounts missing PVC " + v.getPersistentVolumeClaim().getClaimName());
                    }
                }
                for (String cm : configMaps) {
                    if (!overlay.has("ConfigMap", cm)) {
                        problems.add(overlay + ": " + d.getMetadata().getName() + " uses missing ConfigMap " + cm);
                    }
                }
                for (String s : secrets) {
                    boolean made = overlay.has("Secret", s) || strimzi.contains(s);
                    boolean documented = CREATED_BEFORE_APPLY.contains(s) && readme.contains(s);
                    if (!made && !documented) {
                        problems.add(overlay + ": " + d.getMetadata().getName() + " uses secret " + s
                                + ", which neither the overlay, Strimzi nor k8s/README.md provides");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** Each service talks to the TLS listener as its own KafkaUser, with SCRAM credentials Strimzi wrote for it. */
    @Test
    void kafkaClientSettingsPointAtTheListenerAndTheServicesOwnUser() {
        List<String> problems = new ArrayList<>();
        Kafka kafka = base.all(Kafka.class).get(0);
        GenericKafkaListener listener = kafka.getSpec().getKafka().getListeners().get(0);
        String bootstrap = kafka.getMetadata().getName() + "-kafka-bootstrap:" + listener.getPort();
        String mechanism = listener.getAuth().getType().equals("scram-sha-512") ? "SCRAM-SHA-512" : "?";
        for (String service : base.services()) {
            Deployment d = base.deployment(service);
            Container c = Cluster.container(d);
            Map<String, String> env = env(base, c);
            expect(problems, service, env, "KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            expect(problems, service, env, "KAFKA_SECURITY_PROTOCOL", listener.isTls() ? "SASL_SSL" : "SASL_PLAINTEXT");
            expect(problems, service, env, "KAFKA_SASL_MECHANISM", mechanism);
            String user = "feedloop-" + service;
            Optional<EnvVar> jaas = c.getEnv().stream().filter(e -> e.getName().equals("KAFKA_SASL_JAAS_CONFIG")).findFirst();
            boolean fromUserSecret = jaas.isPresent() && jaas.get().getValueFrom() != null
                    && jaas.get().getValueFrom().getSecretKeyRef() != null
                    && jaas.get().getValueFrom().getSecretKeyRef().getName().equals(user)
                    && jaas.get().getValueFrom().getSecretKeyRef().getKey().equals("sasl.jaas.config");
            check(problems, service, "KAFKA_SASL_JAAS_CONFIG from secret " + user + " key sasl.jaas.config", fromUserSecret);
            Optional<KafkaUser> ku = base.named(KafkaUser.class, user);
            check(problems, service, "KafkaUser " + user + " with scram-sha-512",
                    ku.isPresent() && ku.get().getSpec().getAuthentication().getType().equals(listener.getAuth().getType()));
            String truststore = env.getOrDefault("KAFKA_SSL_TRUSTSTORE_LOCATION", "");
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            boolean caMounted = c.getVolumeMounts().stream()
                    .filter(m -> truststore.equals(m.getMountPath() + "/ca.crt"))
                    .anyMatch(m -> volume(pod, m.getName()).map(v -> v.getSecret() != null
                            && v.getSecret().getSecretName().equals(CLUSTER_CA)).orElse(false));
            check(problems, service, "KAFKA_SSL_TRUSTSTORE_LOCATION is the mounted " + CLUSTER_CA + " ca.crt", caMounted);
            expect(problems, service, env, "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM");
        }
        assertEquals(List.of(), problems);
    }

    private static void expect(List<String> problems, String service, Map<String, String> env, String key, String value) {
        if (!value.equals(env.get(key))) {
            problems.add(service + ": " + key + "=" + env.get(key) + ", expected " + value);
        }
    }

    /**
     * One ReadWriteMany volume at the same path everywhere (events carry file URIs). Each writer
     * writes only its own subdirectory; everyone else reads.
     */
    @Test
    void checkpointVolumeIsSharedAndEachWriterOwnsItsSubdirectory() {
        List<String> problems = new ArrayList<>();
        PersistentVolumeClaim pvc = base.named(PersistentVolumeClaim.class, "feedloop-checkpoints")
                .orElseThrow(() -> new AssertionError("no PVC feedloop-checkpoints"));
        assertEquals(List.of("ReadWriteMany"), pvc.getSpec().getAccessModes());
        Map<String, Optional<String>> writes = Map.of("generator", Optional.empty(), "labeling", Optional.empty(),
                "reward", Optional.of("reward-models"), "trainer", Optional.of("policies"));
        for (String service : base.services()) {
            Deployment d = base.deployment(service);
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            Container c = Cluster.container(d);
            List<VolumeMount> mounts = c.getVolumeMounts().stream()
                    .filter(m -> volume(pod, m.getName()).map(v -> v.getPersistentVolumeClaim() != null
                            && v.getPersistentVolumeClaim().getClaimName().equals("feedloop-checkpoints")).orElse(false))
                    .toList();
            ServiceConfig config = ServiceConfig.load(service).orElseThrow();
            if (!config.usesDjl()) {
                check(problems, service, "no checkpoint volume (it loads no model)", mounts.isEmpty());
                continue;
            }
            for (VolumeMount m : mounts) {
                boolean readOnly = Boolean.TRUE.equals(m.getReadOnly());
                String sub = m.getSubPath() == null ? "" : m.getSubPath();
                if (sub.isEmpty()) {
                    check(problems, service, "the whole volume read-only at " + CHECKPOINTS, readOnly && m.getMountPath().equals(CHECKPOINTS));
                } else {
                    check(problems, service, "writes only " + writes.get(service).orElse("nothing") + ", mounts " + sub + " read-write",
                            readOnly || writes.get(service).equals(Optional.of(sub)));
                    check(problems, service, "subPath " + sub + " at " + CHECKPOINTS + "/" + sub, m.getMountPath().equals(CHECKPOINTS + "/" + sub));
                }
            }
            check(problems, service, "mounts the whole volume read-only", mounts.stream().anyMatch(m -> m.getSubPath() == null));
            Map<String, String> env = env(base, c);
            String prefix = "FEEDLOOP_" + service.toUpperCase() + "_";
            for (Map.Entry<String, String> e : env.entrySet()) {
                if (e.getKey().equals(prefix + "BASE_MODEL") || e.getKey().equals(prefix + "BASE_TOKENIZER")) {
                    check(problems, service, e.getKey() + " on the volume", e.getValue().startsWith(CHECKPOINTS + "/base/"));
                }
                if (e.getKey().equals(prefix + "CHECKPOINT_DIR")) {
                    check(problems, service, e.getKey() + " is its read-write subdirectory",
                            writes.get(service).map(w -> e.getValue().equals(CHECKPOINTS + "/" + w)).orElse(false));
                }
            }
            check(problems, service, "base model on the volume", env.containsKey(prefix + "BASE_MODEL"));
            if (writes.get(service).isPresent()) {
                check(problems, service, prefix + "CHECKPOINT_DIR set", env.containsKey(prefix + "CHECKPOINT_DIR"));
            }
        }
        assertEquals(List.of(), problems);
    }

    /**
     * Secrets in git hold no production secret: development values live in overlays/local only and
     * say so; anywhere else a Secret may carry only non-secret parameters (KEDA's sasl, username, tls).
     */
    @Test
    void noProductionSecretIsInGit() {
        Path local = Repo.k8s().resolve("overlays/local");
        int secrets = 0;
        for (Path file : Manifests.yamlFiles(Repo.k8s())) {
            for (Manifests.Manifest m : Manifests.parse(file)) {
                if (!(m.typed() instanceof Secret s)) {
                    continue;
                }
                secrets++;
                Map<String, String> data = s.getStringData() == null ? Map.of() : s.getStringData();
                assertTrue(s.getData() == null || s.getData().isEmpty(), m.where() + ": base64 data hides what is committed");
                if (file.startsWith(local)) {
                    assertTrue(Repo.read(file).contains("not secrets"), m.where() + ": say that these are development values");
                } else {
                    assertTrue(data.keySet().stream().noneMatch(k -> k.contains("key") || k.contains("token") || k.contains("password")),
                            m.where() + " holds " + data.keySet());
                }
            }
        }
        assertTrue(secrets >= 2, secrets + " secrets");
    }
}
