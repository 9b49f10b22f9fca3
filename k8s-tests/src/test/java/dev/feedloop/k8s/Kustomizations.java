package dev.feedloop.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Kustomize files, read as YAML: which fields they may use, and what they reference. A
 * kustomization's resources are files or directories holding a kustomization; its components are
 * directories holding a {@code Component}; its patches and generators name files that must exist.
 */
final class Kustomizations {

    static final String FILE = "kustomization.yaml";

    /** The fields Feedloop's kustomizations may use (kustomize's, minus the deprecated ones). */
    static final Set<String> FIELDS = Set.of("apiVersion", "kind", "metadata", "namespace", "namePrefix",
            "resources", "components", "patches", "images", "replicas", "labels",
            "configMapGenerator", "secretGenerator", "generatorOptions");
    static final Set<String> PATCH_FIELDS = Set.of("path", "patch", "target", "options");
    static final Set<String> TARGET_FIELDS = Set.of("group", "version", "kind", "name", "namespace",
            "labelSelector", "annotationSelector");
    static final Set<String> IMAGE_FIELDS = Set.of("name", "newName", "newTag", "digest");
    static final Set<String> REPLICA_FIELDS = Set.of("name", "count");
    static final Set<String> GENERATOR_FIELDS = Set.of("name", "behavior", "files", "literals", "envs", "type", "options");
    static final Set<String> LABEL_FIELDS = Set.of("pairs", "includeSelectors", "includeTemplates");
    static final Set<String> JSON6902_OPS = Set.of("add", "remove", "replace", "move", "copy", "test");

    /** One kustomization file and its parsed content. */
    record Kustomization(Path dir, JsonNode tree) {
        boolean isComponent() {
            return tree.path("kind").asText().equals("Component");
        }

        List<String> list(String field) {
            List<String> out = new ArrayList<>();
            tree.path(field).forEach(n -> out.add(n.asText()));
            return out;
        }
    }

    private Kustomizations() {
    }

    static Kustomization load(Path dir) {
        List<Manifests.Manifest> docs = Manifests.parse(dir.resolve(FILE));
        if (docs.size() != 1) {
            throw new IllegalArgumentException(dir.resolve(FILE) + ": expected one document, found " + docs.size());
        }
        return new Kustomization(dir, docs.get(0).tree());
    }

    /** Everything wrong with one kustomization: unknown fields, missing files, bad patches. */
    static List<String> problems(Kustomization k) {
        List<String> problems = new ArrayList<>();
        String where = Repo.root().relativize(k.dir().resolve(FILE)).toString();
        JsonNode t = k.tree();
        String apiVersion = t.path("apiVersion").asText();
        String kind = t.path("kind").asText();
        if (!(kind.equals("Kustomization") && apiVersion.equals("kustomize.config.k8s.io/v1beta1")
                || kind.equals("Component") && apiVersion.equals("kustomize.config.k8s.io/v1alpha1"))) {
            problems.add(where + ": apiVersion/kind " + apiVersion + "/" + kind);
        }
        unknown(where, t, FIELDS, problems);
        for (String resource : k.list("resources")) {
            Path p = k.dir().resolve(resource).normalize();
            if (Files.isDirectory(p)) {
                if (!Files.isRegularFile(p.resolve(FILE))) {
                    problems.add(where + ": resource directory " + resource + " has no " + FILE);
                }
            } else if (!Files.isRegularFile(p)) {
                problems.add(where + ": resource " + resource + " does not exist");
            }
        }
        for (String component : k.list("components")) {
            Path p = k.dir().resolve(component).normalize();
            if (!Files.isRegularFile(p.resolve(FILE))) {
                problems.add(where + ": component " + component + " has no " + FILE);
            } else if (!load(p).isComponent()) {
                problems.add(where + ": component " + component + " is not a kind: Component");
            }
        }
        for (JsonNode patch : t.path("patches")) {
            unknown(where + " patches[]", patch, PATCH_FIELDS, problems);
            unknown(where + " patches[].target", patch.path("target"), TARGET_FIELDS, problems);
            if (patch.has("path") == patch.has("patch")) {
                problems.add(where + ": a patch needs exactly one of path and patch: " + patch);
            }
            if (patch.has("path")) {
                Path p = k.dir().resolve(patch.path("path").asText()).normalize();
                if (!Files.isRegularFile(p)) {
                    problems.add(where + ": patch " + patch.path("path").asText() + " does not exist");
                } else {
                    for (Manifests.Manifest doc : Manifests.parse(p)) {
                        if (doc.tree().isArray()) {
                            json6902(where + " patch " + p.getFileName(), doc.tree(), patch, problems);
                        }
                    }
                }
            }
        }
        for (JsonNode image : t.path("images")) {
            unknown(where + " images[]", image, IMAGE_FIELDS, problems);
        }
        for (JsonNode replica : t.path("replicas")) {
            unknown(where + " replicas[]", replica, REPLICA_FIELDS, problems);
        }
        for (JsonNode label : t.path("labels")) {
            unknown(where + " labels[]", label, LABEL_FIELDS, problems);
        }
        for (String generator : List.of("configMapGenerator", "secretGenerator")) {
            for (JsonNode g : t.path(generator)) {
                unknown(where + " " + generator + "[]", g, GENERATOR_FIELDS, problems);
                for (String field : List.of("files", "envs")) {
                    for (JsonNode f : g.path(field)) {
                        String file = f.asText().contains("=") ? f.asText().substring(f.asText().indexOf('=') + 1) : f.asText();
                        if (!Files.isRegularFile(k.dir().resolve(file))) {
                            problems.add(where + ": " + generator + " file " + file + " does not exist");
                        }
                    }
                }
            }
        }
        return problems;
    }

    private static void json6902(String where, JsonNode ops, JsonNode patch, List<String> problems) {
        if (!patch.has("target")) {
            problems.add(where + ": a JSON 6902 patch needs a target");
        }
        for (JsonNode op : ops) {
            unknown(where, op, Set.of("op", "path", "value", "from"), problems);
            if (!JSON6902_OPS.contains(op.path("op").asText())) {
                problems.add(where + ": unknown op " + op.path("op"));
            }
            if (!op.path("path").asText().startsWith("/")) {
                problems.add(where + ": path must be a JSON pointer: " + op.path("path"));
            }
        }
    }

    private static void unknown(String where, JsonNode node, Set<String> allowed, List<String> problems) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                problems.add(where + ": unknown field " + field);
            }
        }
    }

    /**
     * The files a kustomization (and what it includes) builds from: resource files, and the
     * resources of its components. Patches are not resources.
     */
    static Set<Path> resourceFiles(Path dir) {
        Set<Path> out = new LinkedHashSet<>();
        collect(dir, out);
        return out;
    }

    private static void collect(Path dir, Set<Path> out) {
        Kustomization k = load(dir);
        for (String resource : k.list("resources")) {
            Path p = dir.resolve(resource).normalize();
            if (Files.isDirectory(p)) {
                collect(p, out);
            } else {
                out.add(p);
            }
        }
        for (String component : k.list("components")) {
            collect(dir.resolve(component).normalize(), out);
        }
    }

    /** Every file a kustomization references in any way (resources, components, patches, generator files), recursively. */
    static Set<Path> referencedFiles(Path dir) {
        Set<Path> out = new LinkedHashSet<>();
        referenced(dir, out);
        return out;
    }

    private static void referenced(Path dir, Set<Path> out) {
        Kustomization k = load(dir);
        out.add(dir.resolve(FILE));
        for (String resource : k.list("resources")) {
            Path p = dir.resolve(resource).normalize();
            if (Files.isDirectory(p)) {
                referenced(p, out);
            } else {
                out.add(p);
            }
        }
        for (String component : k.list("components")) {
            referenced(dir.resolve(component).normalize(), out);
        }
        for (JsonNode patch : k.tree().path("patches")) {
            if (patch.has("path")) {
                out.add(dir.resolve(patch.path("path").asText()).normalize());
            }
        }
        for (String generator : List.of("configMapGenerator", "secretGenerator")) {
            for (JsonNode g : k.tree().path(generator)) {
                for (String field : List.of("files", "envs")) {
                    for (JsonNode f : g.path(field)) {
                        String file = f.asText().contains("=") ? f.asText().substring(f.asText().indexOf('=') + 1) : f.asText();
                        out.add(dir.resolve(file).normalize());
                    }
                }
            }
        }
    }
}
