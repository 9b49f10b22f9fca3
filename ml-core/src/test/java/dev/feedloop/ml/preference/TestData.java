package dev.feedloop.ml.preference;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's {@code data/} folder by walking up from the working directory. */
final class TestData {

    private TestData() {}

    static Path root() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("data"))) return d.resolve("data");
        }
        throw new IllegalStateException("no data/ folder above " + dir);
    }

    static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) throw new IllegalStateException("missing test data " + p);
        return p;
    }
}
