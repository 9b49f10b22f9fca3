package dev.feedloop.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every manifest and kustomization under k8s/ parses, strictly, and references only what exists. */
class ManifestsTest {

    @Test
    void everyManifestParsesIntoItsTypedModelWithNoUnknownField() {
        List<String> problems = new ArrayList<>();
        int typed = 0;
        for (Path file : Manifests.yamlFiles(Repo.k8s())) {
            try {
                for (Manifests.Manifest m : Manifests.parse(file)) {
                    if (m.typed() != null) {
                        typed++;
                        Manifests.unknownFields(m.typed()).forEach(f -> problems.add(m.where() + ": unknown field " + f));
                        if (m.name().isEmpty()) {
                            problems.add(m.where() + ": no metadata.name");
                        }
                    }
                }
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(typed >= 30, "only " + typed + " typed manifests found under k8s/");
    }

    @Test
    void aMisspeltFieldIsCaughtWhereTheModelWouldSwallowIt() throws Exception {
        Manifests.Manifest deployment = Manifests.parse(fixture("misspelt/deployment.yaml")).get(0);
        assertEquals(List.of("spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem"),
                Manifests.unknownFields(deployment.typed()));

        Manifests.Manifest topic = Manifests.parse(fixture("misspelt/kafkatopic.yaml")).get(0);
        assertEquals(List.of("spec.partitons"), Manifests.unknownFields(topic.typed()));

        // the strict records for KEDA and Prometheus Operator kinds fail at parse time
        IllegalArgumentException keda = assertThrows(IllegalArgumentException.class,
                () -> Manifests.parse(fixture("misspelt/scaledobject.yaml")));
        assertTrue(keda.getMessage().contains("maxReplicas"), keda.getMessage());

        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> Manifests.parse(fixture("misspelt/unknown-kind.yaml")));
        assertTrue(kind.getMessage().contains("apps/v1/Deploymnet"), kind.getMessage());
    }

    @Test
    void everyKustomizationIsValid() {
        List<String> problems = new ArrayList<>();
        List<Path> kustomizations = Manifests.yamlFiles(Repo.k8s()).stream()
                .filter(f -> f.getFileName().toString().equals(Kustomizations.FILE)).toList();
        for (Path file : kustomizations) {
            problems.addAll(Kustomizations.problems(Kustomizations.load(file.getParent())));
        }
        assertEquals(List.of(), problems);
        assertTrue(kustomizations.size() >= 10, "kustomizations found: " + kustomizations);
    }

    @Test
    void aBrokenKustomizationIsCaught() throws Exception {
        List<String> problems = Kustomizations.problems(Kustomizations.load(fixture("kustomize-broken/kustomization.yaml").getParent()));
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.endsWith("unknown field resource")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.endsWith("resource missing.yaml does not exist")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.endsWith("patch no-such-patch.yaml does not exist")), problems.toString());
    }

    /** A YAML file no overlay reaches is a resource someone forgot to list (k8s/tools/ holds one-off pods). */
    @Test
    void everyManifestIsReachableFromAnOverlay() {
        Set<Path> reached = new HashSet<>();
        for (Path overlay : List.of(Repo.k8s().resolve("overlays/local"), Repo.k8s().resolve("overlays/prod"))) {
            reached.addAll(Kustomizations.referencedFiles(overlay));
        }
        // components an overlay may add (autoscaling-keda, gpu-trainer) count as reachable
        for (Path component : Cluster.components()) {
            reached.addAll(Kustomizations.referencedFiles(component));
        }
        Path tools = Repo.k8s().resolve("tools");
        List<String> orphans = Manifests.yamlFiles(Repo.k8s()).stream()
                .filter(f -> !reached.contains(f) && !f.startsWith(tools))
                .map(f -> Repo.root().relativize(f).toString()).toList();
        assertEquals(List.of(), orphans);
    }

    @Test
    void overlaysSetReplicasImagesAndPatchesOfResourcesTheyHave() {
        List<String> problems = new ArrayList<>();
        for (Cluster overlay : Cluster.overlays()) {
            Kustomizations.Kustomization k = Kustomizations.load(overlay.dir);
            for (JsonNode r : k.tree().path("replicas")) {
                if (!overlay.has("Deployment", r.path("name").asText())) {
                    problems.add(overlay + ": replicas for unknown Deployment " + r.path("name").asText());
                }
            }
            Set<String> images = new LinkedHashSet<>();
            overlay.images().values().forEach(i -> images.add(i.replaceAll(":[^/:]+$", "")));
            Set<String> retagged = new HashSet<>();
            for (JsonNode image : k.tree().path("images")) {
                String name = image.path("name").asText();
                retagged.add(name);
                if (!images.contains(name)) {
                    problems.add(overlay + ": images entry " + name + " matches no container image " + images);
                }
                if (!image.has("newTag") && !image.has("digest")) {
                    problems.add(overlay + ": image " + name + " has no newTag or digest");
                }
            }
            images.stream().filter(i -> i.startsWith("feedloop/") && !retagged.contains(i))
                    .forEach(i -> problems.add(overlay + ": image " + i + " is not given a tag"));
            for (JsonNode patch : k.tree().path("patches")) {
                if (!patch.has("path")) {
                    continue;
                }
                Path file = overlay.dir.resolve(patch.path("path").asText());
                for (Manifests.Manifest doc : Manifests.parse(file)) {
                    String kind = doc.tree().isArray() ? patch.path("target").path("kind").asText() : doc.kind();
                    String target = doc.tree().isArray() ? patch.path("target").path("name").asText() : doc.name();
                    boolean hit = overlay.manifests.stream().anyMatch(m -> m.kind().equals(kind)
                            && (target.isEmpty() || m.name().equals(target)));
                    if (!hit) {
                        problems.add(overlay + ": patch " + file.getFileName() + " targets no " + kind + " " + target);
                    }
                }
            }
            Set<String> seen = new HashSet<>();
            for (Manifests.Manifest m : overlay.manifests) {
                if (!seen.add(m.kind() + "/" + m.name())) {
                    problems.add(overlay + ": two resources " + m.kind() + "/" + m.name());
                }
            }
        }
        assertEquals(List.of(), problems);
        assertEquals(2, Cluster.overlays().size(), "overlays: " + Cluster.overlays());
    }

    /**
     * Every JSON 6902 patch an overlay applies (its own and its components'), applied to each
     * resource it targets: the result still parses into the typed model with no unknown field, and
     * every replaced or removed path exists.
     */
    @Test
    void jsonPatchesApplyAndLeaveValidManifests() {
        List<String> problems = new ArrayList<>();
        int applied = 0;
        for (Cluster overlay : Cluster.overlays()) {
            for (Path dir : kustomizationsOf(overlay.dir)) {
                for (JsonNode patch : Kustomizations.load(dir).tree().path("patches")) {
                    if (!patch.has("path")) {
                        continue;
                    }
                    for (Manifests.Manifest doc : Manifests.parse(dir.resolve(patch.path("path").asText()))) {
                        if (!doc.tree().isArray()) {
                            continue;
                        }
                        JsonNode target = patch.path("target");
                        for (Manifests.Manifest m : overlay.manifests) {
                            boolean hit = m.kind().equals(target.path("kind").asText())
                                    && (!target.has("name") || m.name().equals(target.path("name").asText()))
                                    && (!target.has("group") || m.apiVersion().startsWith(target.path("group").asText() + "/"));
                            if (!hit) {
                                continue;
                            }
                            applied++;
                            try {
                                JsonNode result = JsonPatch.apply(m.tree(), doc.tree());
                                Object typed = Manifests.YAML.treeToValue(result, m.typed().getClass());
                                Manifests.unknownFields(typed).forEach(f -> problems.add(overlay + ": "
                                        + doc.file().getFileName() + " on " + m.name() + " leaves unknown field " + f));
                            } catch (Exception e) {
                                problems.add(overlay + ": " + doc.file().getFileName() + " on " + m.name() + ": " + e.getMessage());
                            }
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(applied >= 12 + 4, "patched resources: " + applied);
    }

    /** A kustomization and everything it includes (resource directories, components). */
    static List<Path> kustomizationsOf(Path dir) {
        List<Path> out = new ArrayList<>(List.of(dir));
        Kustomizations.Kustomization k = Kustomizations.load(dir);
        for (String r : k.list("resources")) {
            if (Files.isDirectory(dir.resolve(r))) {
                out.addAll(kustomizationsOf(dir.resolve(r).normalize()));
            }
        }
        for (String c : k.list("components")) {
            out.addAll(kustomizationsOf(dir.resolve(c).normalize()));
        }
        return out;
    }

    @Test
    void aJsonPatchOnAMissingPathIsCaught() {
        var tree = Manifests.YAML.createObjectNode();
        tree.putObject("spec").put("replicas", 3);
        var ops = Manifests.YAML.createArrayNode();
        ops.addObject().put("op", "replace").put("path", "/spec/replica").put("value", 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonPatch.apply(tree, ops));
        assertTrue(e.getMessage().contains("/spec/replica"), e.getMessage());
        var ok = Manifests.YAML.createArrayNode();
        ok.addObject().put("op", "replace").put("path", "/spec/replicas").put("value", 1);
        assertEquals(1, JsonPatch.apply(tree, ok).at("/spec/replicas").asInt());
    }

    static Path fixture(String name) throws URISyntaxException {
        Path p = Path.of(ManifestsTest.class.getResource("/fixtures/" + name).toURI());
        assertTrue(Files.exists(p), "fixture " + name);
        return p;
    }
}
