package dev.feedloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.feedloop.ml.checkpoint.CheckpointManifest;
import dev.feedloop.ml.checkpoint.CheckpointStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code feedloop rm train} and {@code rm eval} in this JVM on a 150-row slice of the bundled
 * HH-RLHF file (a few steps: this proves the wiring, not the learning), and their usage errors.
 */
class RmCommandTest {
    static final Path HH = Home.dir().resolve("data/preferences/hh-rlhf/harmless-base-test.jsonl.gz");
    static final Pattern ROW = Pattern.compile("  (reward model|bag-of-words logistic regression|always the longer response"
            + "|always the shorter response) +(\\d\\.\\d{3}) \\[(\\d\\.\\d{3}), (\\d\\.\\d{3})]");
    static final Pattern HELD_OUT = Pattern.compile("held out: (\\d+) pairs, accuracy with 95% Wilson interval");

    @TempDir
    Path dir;

    Path slice(int rows) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(HH)), StandardCharsets.UTF_8))) {
            for (String line; lines.size() < rows && (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        }
        Path f = dir.resolve("hh-slice.jsonl");
        Files.write(f, lines);
        return f;
    }

    @Test
    void trainWritesAVerifiedCheckpointAndEvalReproducesItsHeldOutAccuracy() throws IOException {
        Path data = slice(150);
        Path out = dir.resolve("rm");
        Run train = Run.of("rm", "train", "--data", data.toString(), "--out", out.toString(), "--steps", "6",
                "--batch", "4", "--max-tokens", "64", "--held-out", "0.3", "--validation", "0.2", "--eval-every", "2",
                "--log-every", "3", "--threads", "1");
        assertEquals(0, train.code(), train.err());
        assertEquals(3, Pattern.compile("step +[246]/6  validation acc \\d\\.\\d{3} on \\d+ pairs").matcher(train.out()).results().count(),
                train.out());
        assertTrue(train.out().contains("data: hh-slice.jsonl (hh-rlhf): "), train.out());
        assertTrue(train.out().contains("step     6/6  loss "), train.out());
        Matcher heldOut = HELD_OUT.matcher(train.out());
        assertTrue(heldOut.find(), train.out());
        int pairs = Integer.parseInt(heldOut.group(1));
        assertTrue(pairs >= 20 && pairs <= 80, "about 30% of 150 rows held out: " + pairs);
        List<String[]> trained = rows(train.out());
        assertEquals(List.of("reward model", "bag-of-words logistic regression", "always the longer response",
                "always the shorter response"), trained.stream().map(r -> r[0]).toList());
        for (String[] r : trained) {
            double acc = Double.parseDouble(r[1]);
            assertTrue(Double.parseDouble(r[2]) <= acc && acc <= Double.parseDouble(r[3]), "CI around the estimate: " + String.join(" ", r));
        }
        assertEquals(1.0, Double.parseDouble(trained.get(2)[1]) + Double.parseDouble(trained.get(3)[1]), 0.0015,
                "longer and shorter are complements (ties count half)");

        CheckpointManifest manifest = CheckpointStore.verify(out);
        assertEquals("reward-model", manifest.metadata().get("kind"));
        assertEquals("64", manifest.metadata().get("max_tokens"));
        assertTrue(List.of("2", "4", "6").contains(manifest.metadata().get("kept_step")), manifest.metadata().toString());
        assertTrue(Integer.parseInt(manifest.metadata().get("validation_pairs")) > 0, manifest.metadata().toString());
        assertEquals(Integer.toString(pairs), manifest.metadata().get("heldout_pairs"));
        assertEquals(trained.get(0)[1], String.format(java.util.Locale.ROOT, "%.3f",
                Double.parseDouble(manifest.metadata().get("heldout_accuracy"))));

        Run eval = Run.of("rm", "eval", "--model", out.toString(), "--data", data.toString(), "--threads", "1");
        assertEquals(0, eval.code(), eval.err());
        Matcher evalHeldOut = HELD_OUT.matcher(eval.out());
        assertTrue(evalHeldOut.find(), eval.out());
        assertEquals(pairs, Integer.parseInt(evalHeldOut.group(1)), "the same prompts held out, from the manifest");
        List<String[]> evaluated = rows(eval.out());
        for (int i = 0; i < trained.size(); i++) {
            assertEquals(List.of(trained.get(i)), List.of(evaluated.get(i)), "same figures in eval as at the end of train");
        }
    }

    @Test
    void usageErrorsExitTwoWithOneLine() throws IOException {
        Path data = slice(5);
        Path notData = dir.resolve("notes.jsonl");
        Files.writeString(notData, "{\"hello\": 1}\n");
        Files.createDirectories(dir.resolve("exists"));
        assertUsage(Run.of("rm"), "feedloop rm: missing action (try: train, eval) (see: feedloop rm --help)");
        assertUsage(Run.of("rm", "train", "--out", dir.resolve("x").toString()),
                "feedloop rm train: Missing required option: '--data=FILE' (see: feedloop rm train --help)");
        assertUsage(Run.of("rm", "train", "--data", "no/such.jsonl", "--out", dir.resolve("x").toString()),
                "feedloop rm train: --data: no such file: no/such.jsonl (see: feedloop rm train --help)");
        assertUsage(Run.of("rm", "train", "--data", data.toString(), "--out", dir.resolve("exists").toString()),
                "feedloop rm train: --out " + dir.resolve("exists") + " already exists (a checkpoint directory is written once)"
                        + " (see: feedloop rm train --help)");
        assertUsage(Run.of("rm", "train", "--data", data.toString(), "--out", dir.resolve("x").toString(), "--held-out", "1.5"),
                "feedloop rm train: --held-out 1.5 must be in (0, 1) (see: feedloop rm train --help)");
        assertUsage(Run.of("rm", "train", "--data", data.toString(), "--out", dir.resolve("x").toString(), "--validation", "0.8"),
                "feedloop rm train: --validation 0.8 must be >= 0 and leave training prompts beside --held-out 0.2"
                        + " (see: feedloop rm train --help)");
        assertUsage(Run.of("rm", "train", "--data", data.toString(), "--out", dir.resolve("x").toString(), "--steps", "0"),
                "feedloop rm train: --steps 0 must be >= 1 (see: feedloop rm train --help)");
        assertUsage(Run.of("rm", "train", "--data", data.toString(), "--out", dir.resolve("x").toString(), "--format", "csv"),
                "feedloop rm train: --format: unknown format 'csv' (known: auto, hh-rlhf, oasst) (see: feedloop rm train --help)");
        assertUsage(Run.of("rm", "train", "--data", data.toString(), "--out", dir.resolve("x").toString(), "--init", "magic"),
                "feedloop rm train: --init magic is neither pretrained nor random (see: feedloop rm train --help)");
        assertUsage(Run.of("rm", "train", "--data", notData.toString(), "--out", dir.resolve("x").toString()),
                "feedloop rm train: --data: " + notData + ": neither HH-RLHF (chosen/rejected) nor OpenAssistant"
                        + " (message_tree_id/message_id) records; name the format with --format (see: feedloop rm train --help)");
        assertUsage(Run.of("rm", "train", "--data", data.toString(), "--out", dir.resolve("x").toString(), "--max-tokens", "1024"),
                "feedloop rm train: --max-tokens 1024 exceeds the trunk's context of 512 tokens (see: feedloop rm train --help)");
        assertUsage(Run.of("rm", "eval", "--model", dir.resolve("none").toString(), "--data", data.toString()),
                "feedloop rm eval: --model: no such checkpoint directory: " + dir.resolve("none") + " (see: feedloop rm eval --help)");
        assertUsage(Run.of("import"), "feedloop import: missing dataset (try: hh-rlhf, oasst) (see: feedloop import --help)");
        assertUsage(Run.of("import", "hh-rlhf", "no/such.jsonl.gz"),
                "feedloop import hh-rlhf: FILE: no such file: no/such.jsonl.gz (see: feedloop import hh-rlhf --help)");
        assertUsage(Run.of("import", "oasst", data.toString(), "--timeout", "0"),
                "feedloop import oasst: --timeout 0 must be >= 1 (see: feedloop import oasst --help)");
        assertTrue(Files.notExists(dir.resolve("x")), "nothing written on a usage error");
    }

    /** The four accuracy rows: name, accuracy, lower, upper. */
    static List<String[]> rows(String out) {
        List<String[]> rows = new ArrayList<>();
        Matcher m = ROW.matcher(out);
        while (m.find()) {
            rows.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
        }
        return rows;
    }

    private static void assertUsage(Run r, String line) {
        assertEquals(Feedloop.USAGE, r.code(), r.out() + r.err());
        assertEquals(line, r.errLine());
    }
}
