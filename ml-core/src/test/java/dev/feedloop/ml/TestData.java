package dev.feedloop.ml;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Finds the repository's bundled {@code data/} folder from wherever the tests run (module dir or root). */
public final class TestData {

    private TestData() {
    }

    /** {@code data/<relative>}, found by walking up from {@code user.dir}; fails when it does not exist. */
    public static Path path(String relative) {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path data = dir.resolve("data");
            if (Files.isDirectory(data)) {
                Path file = data.resolve(relative);
                if (!Files.exists(file)) {
                    throw new IllegalStateException("test data " + file + " does not exist");
                }
                return file;
            }
        }
        throw new IllegalStateException("no data/ folder above " + System.getProperty("user.dir"));
    }

    /** The first {@code limit} "chosen" and "rejected" transcripts of hh-rlhf harmless-base-test. */
    public static List<String> hhTranscripts(int limit) {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        Path file = path("preferences/hh-rlhf/harmless-base-test.jsonl.gz");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null && out.size() < limit; line = in.readLine()) {
                JsonNode row = json.readTree(line);
                out.add(row.get("chosen").asText());
                out.add(row.get("rejected").asText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
