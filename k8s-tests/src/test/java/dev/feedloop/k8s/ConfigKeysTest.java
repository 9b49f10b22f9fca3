package dev.feedloop.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every setting the manifests give a service is one the service reads. */
class ConfigKeysTest {

    @Test
    void everyEnvironmentVariableIsAConfigurationKeyTheServiceReads() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Cluster cluster : List.of(Cluster.base(), Cluster.of(Repo.k8s().resolve("overlays/prod")),
                Cluster.of(Repo.k8s().resolve("overlays/local")))) {
            for (String service : cluster.services()) {
                ServiceConfig config = ServiceConfig.load(service).orElseThrow();
                Deployment d = cluster.deployment(service);
                List<String> names = new ArrayList<>(WorkloadsTest.env(cluster, Cluster.container(d)).keySet());
                // env added by strategic-merge patches (components/gpu-trainer)
                for (Manifests.Manifest patch : cluster.strategicPatches()) {
                    if (patch.typed() instanceof Deployment p && p.getMetadata().getName().equals(d.getMetadata().getName())) {
                        for (Container c : p.getSpec().getTemplate().getSpec().getContainers()) {
                            c.getEnv().stream().map(EnvVar::getName).forEach(names::add);
                        }
                    }
                }
                for (String env : names) {
                    checked++;
                    EnvKeys.problem(env, config.configKeys()).ifPresent(p -> problems.add(cluster + " " + service + ": " + p));
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(checked > 40, "only " + checked + " variables checked");
    }

    /** A value from a ConfigMap converts to the type of the @ConfigMapping method it sets. */
    @Test
    void everyValueConvertsToItsKeysType() {
        List<String> problems = new ArrayList<>();
        int typed = 0;
        Cluster base = Cluster.base();
        for (String service : base.services()) {
            ServiceConfig config = ServiceConfig.load(service).orElseThrow();
            Map<String, String> byEnv = new java.util.HashMap<>();
            config.configTypes().forEach((key, type) -> byEnv.put(EnvKeys.envName(key), type));
            for (Map.Entry<String, String> e : WorkloadsTest.env(base, Cluster.container(base.deployment(service))).entrySet()) {
                String type = byEnv.get(e.getKey());
                if (type != null && !e.getValue().equals("<secret>")) {
                    typed++;
                    EnvKeys.valueProblem(e.getValue(), type).ifPresent(p -> problems.add(service + ": " + e.getKey() + "=" + p));
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(typed >= 10, typed + " typed values");
        assertTrue(EnvKeys.valueProblem("two", "int").isPresent());
        assertTrue(EnvKeys.valueProblem("10 minutes", "Duration").isPresent());
        assertEquals(Optional.empty(), EnvKeys.valueProblem("PT10M", "Duration"));
        assertEquals(Optional.empty(), EnvKeys.valueProblem("50ms", "Duration"));
        assertEquals(Optional.empty(), EnvKeys.valueProblem("1e-3", "double"));
    }

    /** A secret mounted as config/application.properties in the working directory holds keys the service reads. */
    @Test
    void mountedApplicationPropertiesNameKeysTheServiceReads() {
        List<String> problems = new ArrayList<>();
        int mounted = 0;
        for (Cluster overlay : Cluster.overlays()) {
            for (String service : overlay.services()) {
                ServiceConfig config = ServiceConfig.load(service).orElseThrow();
                Deployment d = overlay.deployment(service);
                PodSpec pod = d.getSpec().getTemplate().getSpec();
                Container c = Cluster.container(d);
                for (VolumeMount m : c.getVolumeMounts()) {
                    Optional<Volume> v = WorkloadsTest.volume(pod, m.getName());
                    if (v.isEmpty() || v.get().getSecret() == null) {
                        continue;
                    }
                    boolean asConfig = v.get().getSecret().getItems() != null && v.get().getSecret().getItems().stream()
                            .anyMatch(i -> i.getPath().equals("application.properties"));
                    if (!asConfig) {
                        continue;
                    }
                    if (!m.getMountPath().equals(c.getWorkingDir() + "/config")) {
                        problems.add(service + ": application.properties mounted at " + m.getMountPath()
                                + ", not <workingDir>/config (" + c.getWorkingDir() + "/config), where Quarkus reads it");
                    }
                    Optional<Secret> secret = overlay.named(Secret.class, v.get().getSecret().getSecretName());
                    if (secret.isEmpty()) {
                        continue; // created before apply (prod): WorkloadsTest checks it is documented
                    }
                    mounted++;
                    String text = secret.get().getStringData().get("application.properties");
                    for (String key : ServiceConfig.parseProperties(text).keySet()) {
                        EnvKeys.keyProblem(key, config.configKeys()).ifPresent(p -> problems.add(overlay + " " + service + ": " + p));
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(mounted >= 1, "no mounted application.properties checked");
    }

    @Test
    void aMisspeltVariableIsRejected() {
        ServiceConfig generator = ServiceConfig.load("generator").orElseThrow();
        Set<String> keys = generator.configKeys();
        assertEquals(Optional.empty(), EnvKeys.problem("FEEDLOOP_GENERATOR_SAMPLES_PER_PROMPT", keys));
        assertEquals(Optional.empty(), EnvKeys.problem("FEEDLOOP_GENERATOR_SAMPLING_MAX_NEW_TOKENS", keys));
        assertEquals(Optional.empty(), EnvKeys.problem("KAFKA_SASL_JAAS_CONFIG", keys));
        assertEquals(Optional.empty(), EnvKeys.problem("MP_MESSAGING_INCOMING_PROMPTS_IN_GROUP_ID", keys));
        assertTrue(EnvKeys.problem("FEEDLOOP_GENERATOR_SAMPLES_PER_PROMT", keys).isPresent());
        assertTrue(EnvKeys.problem("FEEDLOOP_GENERATOR_SAMPLING_MAX_TOKENS", keys).isPresent());
        assertTrue(EnvKeys.problem("KAFKA_SASL_JAAS_CONFG", keys).isPresent());
        ServiceConfig labeling = ServiceConfig.load("labeling").orElseThrow();
        assertEquals(Optional.empty(), EnvKeys.keyProblem("feedloop.labeling.auth.annotator-tokens.\"tok\"", labeling.configKeys()));
        assertTrue(EnvKeys.keyProblem("feedloop.labeling.auth.annotator-token.\"tok\"", labeling.configKeys()).isPresent());
    }

    /** The source reader finds @ConfigMapping keys, nested groups and maps. */
    @Test
    void configMappingKeysAreReadFromSource() {
        Set<String> generator = ServiceConfig.load("generator").orElseThrow().configKeys();
        assertTrue(generator.containsAll(List.of("feedloop.generator.samples-per-prompt", "feedloop.generator.sampling.top-p",
                "feedloop.generator.batch.max-wait", "kafka.bootstrap.servers")), generator.toString());
        Set<String> labeling = ServiceConfig.load("labeling").orElseThrow().configKeys();
        assertTrue(labeling.containsAll(List.of("feedloop.labeling.user-id-hash-key", "feedloop.labeling.auth.annotator-tokens.*",
                "feedloop.labeling.auth.production-token")), labeling.toString());
        assertEquals(Set.of("p.a", "p.group.b-c", "p.m.*", "p.named"), ConfigMappings.keys("""
                @ConfigMapping(prefix = "p")
                public interface X {
                    /** a */
                    int a();
                    Group group();
                    Map<String, String> m();
                    @WithName("named") String other();
                    interface Group { @WithDefault("1") long bC(); }
                }
                """));
    }
}
