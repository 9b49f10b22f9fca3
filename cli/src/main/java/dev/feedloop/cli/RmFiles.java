package dev.feedloop.cli;

import dev.feedloop.cli.rm.PreferenceData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Option checks shared by {@code rm train} and {@code rm eval}; each failure is a usage error (exit 2). */
final class RmFiles {
    private RmFiles() {}

    static PreferenceData.Format format(CommandSpec spec, String name) {
        try {
            return PreferenceData.Format.parse(name);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--format: " + e.getMessage());
        }
    }

    static List<Path> existing(CommandSpec spec, List<Path> files) {
        for (Path f : files) {
            existing(spec, "--data", f);
        }
        return List.copyOf(files);
    }

    static Path existing(CommandSpec spec, String option, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), option + ": no such file: " + file);
        }
        return file;
    }

    /** With --format auto, every file must be recognisable from its first record. */
    static void formats(CommandSpec spec, List<Path> files, PreferenceData.Format format) {
        if (format != null) {
            return;
        }
        for (Path f : files) {
            try {
                PreferenceData.detect(f);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--data: " + e.getMessage());
            }
        }
    }
}
