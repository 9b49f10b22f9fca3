package dev.feedloop.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository, {@code k8s/} and the service modules are, seen from this module's tests. */
final class Repo {

    /** The four services, by the short name used under {@code k8s/base/} and in resource names. */
    static final java.util.List<String> SERVICES = java.util.List.of("generator", "labeling", "reward", "trainer");

    private Repo() {
    }

    /** The repository root: surefire runs in {@code k8s-tests/}, whose parent holds {@code k8s/}. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("k8s")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no k8s/ directory above " + dir);
    }

    static Path k8s() {
        return root().resolve("k8s");
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
