package dev.feedloop.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The manifests a kustomization builds from (its resource files, components included), typed.
 * Patches are not applied: each check states whether it looks at the base or at an overlay.
 */
final class Cluster {

    private static final Map<Path, List<Manifests.Manifest>> PARSED = new ConcurrentHashMap<>();

    final String name;
    final Path dir;
    final List<Manifests.Manifest> manifests;

    private Cluster(String name, Path dir, List<Manifests.Manifest> manifests) {
        this.name = name;
        this.dir = dir;
        this.manifests = manifests;
    }

    static List<Manifests.Manifest> parsed(Path file) {
        return PARSED.computeIfAbsent(file, Manifests::parse);
    }

    /** What {@code kustomize build dir} starts from. */
    static Cluster of(Path dir) {
        List<Manifests.Manifest> all = new ArrayList<>();
        for (Path file : Kustomizations.resourceFiles(dir)) {
            all.addAll(parsed(file));
        }
        return new Cluster(Repo.k8s().relativize(dir).toString(), dir, all);
    }

    static Cluster base() {
        return of(Repo.k8s().resolve("base"));
    }

    /** k8s/overlays/* */
    static List<Cluster> overlays() {
        try (Stream<Path> dirs = Files.list(Repo.k8s().resolve("overlays"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve(Kustomizations.FILE))).sorted().map(Cluster::of).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** k8s/components/* */
    static List<Path> components() {
        try (Stream<Path> dirs = Files.list(Repo.k8s().resolve("components"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve(Kustomizations.FILE))).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The base plus every component's resources: everything any overlay can deploy. */
    static Cluster everything() {
        Set<Path> files = new LinkedHashSet<>(Kustomizations.resourceFiles(Repo.k8s().resolve("base")));
        for (Path component : components()) {
            files.addAll(Kustomizations.resourceFiles(component));
        }
        List<Manifests.Manifest> all = new ArrayList<>();
        files.forEach(f -> all.addAll(parsed(f)));
        return new Cluster("base + components", Repo.k8s(), all);
    }

    <T> List<T> all(Class<T> type) {
        return manifests.stream().filter(m -> type.isInstance(m.typed())).map(m -> type.cast(m.typed())).toList();
    }

    <T> Optional<T> named(Class<T> type, String resourceName) {
        return manifests.stream().filter(m -> type.isInstance(m.typed()) && m.name().equals(resourceName))
                .map(m -> type.cast(m.typed())).findFirst();
    }

    boolean has(String kind, String resourceName) {
        return manifests.stream().anyMatch(m -> m.kind().equals(kind) && m.name().equals(resourceName));
    }

    /** The Feedloop service a Deployment runs ({@code feedloop-generator} → {@code generator}). */
    static Optional<String> service(Deployment d) {
        String n = d.getMetadata().getName();
        return n.startsWith("feedloop-") && Repo.SERVICES.contains(n.substring(9)) ? Optional.of(n.substring(9)) : Optional.empty();
    }

    Deployment deployment(String service) {
        return named(Deployment.class, "feedloop-" + service)
                .orElseThrow(() -> new AssertionError(name + ": no Deployment feedloop-" + service));
    }

    /** The resources of a Deployment's (single) container. */
    Optional<io.fabric8.kubernetes.api.model.ResourceRequirements> deploymentResources(String deployment) {
        return named(Deployment.class, deployment).map(d -> container(d).getResources());
    }

    /** The services this cluster deploys. */
    List<String> services() {
        return all(Deployment.class).stream().map(Cluster::service).flatMap(Optional::stream).toList();
    }

    static Container container(Deployment d) {
        List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
        if (containers.size() != 1) {
            throw new AssertionError(d.getMetadata().getName() + ": expected one container, found " + containers.size());
        }
        return containers.get(0);
    }

    /**
     * Strategic-merge patch documents this kustomization and its components apply (JSON 6902 patches
     * excluded), with the kustomization that lists them.
     */
    List<Manifests.Manifest> strategicPatches() {
        List<Manifests.Manifest> out = new ArrayList<>();
        patches(dir, out);
        return out;
    }

    private static void patches(Path dir, List<Manifests.Manifest> out) {
        Kustomizations.Kustomization k = Kustomizations.load(dir);
        for (String resource : k.list("resources")) {
            Path p = dir.resolve(resource).normalize();
            if (java.nio.file.Files.isDirectory(p)) {
                patches(p, out);
            }
        }
        for (String component : k.list("components")) {
            patches(dir.resolve(component).normalize(), out);
        }
        for (com.fasterxml.jackson.databind.JsonNode patch : k.tree().path("patches")) {
            if (patch.has("path")) {
                parsed(dir.resolve(patch.path("path").asText()).normalize()).stream()
                        .filter(m -> !m.tree().isArray()).forEach(out::add);
            }
        }
    }

    /** Container images after the strategic-merge patches: "deployment/container" → image. */
    Map<String, String> images() {
        Map<String, String> images = new java.util.TreeMap<>();
        for (Deployment d : all(Deployment.class)) {
            for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                images.put(d.getMetadata().getName() + "/" + c.getName(), c.getImage());
            }
        }
        for (Manifests.Manifest patch : strategicPatches()) {
            if (patch.typed() instanceof Deployment d) {
                for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                    String key = d.getMetadata().getName() + "/" + c.getName();
                    if (c.getImage() != null && images.containsKey(key)) {
                        images.put(key, c.getImage());
                    }
                }
            }
        }
        return images;
    }

    @Override
    public String toString() {
        return name;
    }
}
