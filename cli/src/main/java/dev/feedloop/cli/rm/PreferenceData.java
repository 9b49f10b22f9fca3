package dev.feedloop.cli.rm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feedloop.ml.preference.Comparison;
import dev.feedloop.ml.preference.ComparisonBuilder;
import dev.feedloop.ml.preference.ComparisonStats;
import dev.feedloop.ml.preference.Feedback;
import dev.feedloop.ml.preference.HhRlhfLoader;
import dev.feedloop.ml.preference.OasstLoader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Preference files → comparisons, through ml-core's loaders and {@link ComparisonBuilder}:
 * HH-RLHF rows are K = 2 rankings (chosen ≻ rejected); OpenAssistant trees give one ranking per
 * group of ranked sibling replies (ties dropped, pairs weighted 1/C(K,2)). OpenAssistant emoji
 * reactions are not used here: they are sparse and restate the ranks of the same replies.
 */
public final class PreferenceData {

    /** The dataset formats {@code feedloop rm} reads. */
    public enum Format {
        HH_RLHF("hh-rlhf"),
        OASST("oasst");

        public final String label;

        Format(String label) {
            this.label = label;
        }

        /** "auto" → null; otherwise the format named, or an exception listing the names. */
        public static Format parse(String name) {
            if (name.equals("auto")) {
                return null;
            }
            for (Format f : values()) {
                if (f.label.equals(name)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown format '" + name + "' (known: auto, hh-rlhf, oasst)");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What was loaded: the comparisons in file order and every counter of the way. */
    public record Loaded(List<Comparison> comparisons, ComparisonStats stats, List<String> summary) {}

    private PreferenceData() {}

    /**
     * The format of a JSONL file (gzip or plain) from its first record: {@code chosen} and
     * {@code rejected} → HH-RLHF; {@code message_tree_id} or {@code message_id} → OpenAssistant.
     *
     * @throws IllegalArgumentException naming the file when it is neither
     */
    public static Format detect(Path file) {
        String first = firstRecord(file);
        JsonNode row;
        try {
            row = JSON.readTree(first);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": first line is not JSON: " + e.getMessage());
        }
        if (row != null && row.has("chosen") && row.has("rejected")) {
            return Format.HH_RLHF;
        }
        if (row != null && (row.has("message_tree_id") || row.has("message_id"))) {
            return Format.OASST;
        }
        throw new IllegalArgumentException(file + ": neither HH-RLHF (chosen/rejected) nor OpenAssistant"
                + " (message_tree_id/message_id) records; name the format with --format");
    }

    /** Loads every file (each in {@code format}, or detected when null) into comparisons. */
    public static Loaded load(List<Path> files, Format format) {
        ComparisonStats stats = new ComparisonStats();
        List<Feedback> feedback = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        for (Path file : files) {
            Format f = format != null ? format : detect(file);
            ComparisonStats fileStats = new ComparisonStats();
            List<? extends Feedback> items = switch (f) {
                case HH_RLHF -> HhRlhfLoader.load(file, "hh-rlhf/" + baseName(file), fileStats);
                case OASST -> OasstLoader.loadRankings(file, fileStats);
            };
            feedback.addAll(items);
            summary.add(String.format(Locale.ROOT, "%s (%s): %,d rankings %s", file.getFileName(), f.label,
                    items.size(), fileStats));
            stats.addAll(fileStats);
        }
        ComparisonBuilder.Result built = new ComparisonBuilder(ComparisonBuilder.Config.defaults()).build(feedback, stats);
        return new Loaded(built.comparisons(), stats, summary);
    }

    static String baseName(Path file) {
        String name = file.getFileName().toString();
        for (String ext : new String[] {".gz", ".jsonl", ".json"}) {
            if (name.endsWith(ext)) {
                name = name.substring(0, name.length() - ext.length());
            }
        }
        return name;
    }

    private static String firstRecord(Path file) {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    return line;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        throw new IllegalArgumentException(file + ": no records");
    }
}
