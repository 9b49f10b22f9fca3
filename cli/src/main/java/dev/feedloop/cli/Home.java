package dev.feedloop.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the bundled files are. {@code ./feedloop} passes the repository root as the system
 * property {@value #PROPERTY}; without it (tests, an IDE) the first folder at or above the working
 * directory that holds {@code data/} is taken. Paths a user types are relative to the working
 * directory; default paths are relative to the home.
 */
final class Home {
    static final String PROPERTY = "feedloop.home";

    private Home() {}

    static Path dir() {
        String set = System.getProperty(PROPERTY);
        if (set != null) {
            return Path.of(set).toAbsolutePath();
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path d = start; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("data"))) {
                return d;
            }
        }
        return start;
    }

    /** {@code given} if the user typed one, else {@code defaultRelative} under the home. */
    static Path resolve(Path given, String defaultRelative) {
        return given != null ? given : dir().resolve(defaultRelative);
    }
}
