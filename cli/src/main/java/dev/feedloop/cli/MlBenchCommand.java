package dev.feedloop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedloop.ml.Threads;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code feedloop bench ml}: the learning core's speed on this machine (see {@link MlBenchmark}),
 * printed as a table and written as JSON.
 */
@Command(name = "ml",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measure fp32 matmul GFLOP/s, decoding (batch 1 and 16, with and without the KV cache),",
            "teacher-forced scoring and a training step (B=16, T=128) with its model FLOPs utilisation,",
            "on stories260K and on a random ~10M-parameter model. Medians of repeats after warm-up."})
final class MlBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Shorter decoding runs (32 new tokens instead of 128): a smoke test, ~1 minute.")
    boolean quick;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "libtorch intra-op threads; 0 = the default (all cores).")
    int threads;

    @Option(names = "--interop-threads", paramLabel = "N", defaultValue = "0",
            description = "libtorch inter-op threads; 0 = the default (1).")
    int interopThreads;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "0",
            description = "Timed repeats per figure (after a warm-up), at least 3; 0 = 3 (matmul: at least 10).")
    int repeats;

    @Option(names = "--new-tokens", paramLabel = "M", defaultValue = "0",
            description = "New tokens per decoding run; 0 = 128 (32 with --quick).")
    int newTokens;

    @Option(names = "--models", paramLabel = "LIST", split = ",", defaultValue = "stories260K,random-10M",
            description = "Which models: stories260K, random-10M (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--out", paramLabel = "FILE", description = "JSON output (default: target/bench/ml.json under the repository).")
    Path out;

    @Override
    public Integer call() throws IOException {
        int r = repeats == 0 ? 3 : repeats;
        if (r < 3) {
            throw new ParameterException(spec.commandLine(), "--repeats " + repeats + " must be >= 3 (medians need 3)");
        }
        int m = newTokens == 0 ? (quick ? 32 : 128) : newTokens;
        if (m < 1 || m > 200) {
            throw new ParameterException(spec.commandLine(), "--new-tokens " + newTokens + " must be in 1…200");
        }
        if (threads < 0 || interopThreads < 0) {
            throw new ParameterException(spec.commandLine(), "--threads and --interop-threads must be >= 0");
        }
        for (String name : models) {
            if (!MlBenchmark.MODELS.contains(name)) {
                throw new ParameterException(spec.commandLine(), "--models: unknown model '" + name + "' (known: "
                        + String.join(", ", MlBenchmark.MODELS) + ")");
            }
        }
        Path json = out != null ? out : Home.dir().resolve("target/bench/ml.json");
        Threads.configure(threads, interopThreads);
        PrintWriter w = spec.commandLine().getOut();
        MlBenchmark bench = new MlBenchmark(r, m, w);
        List<BenchResult> results = bench.run(models);
        w.println();
        printTable(w, bench.machine(), results);
        writeJson(json, bench, results);
        w.println("JSON: " + json);
        w.flush();
        return Feedloop.OK;
    }

    static void printTable(PrintWriter w, String machine, List<BenchResult> results) {
        w.println(machine);
        w.printf(Locale.ROOT, "%-12s %-38s %10s %-9s %s%n", "model", "measurement", "median", "unit", "vs peer (same run)");
        for (BenchResult b : results) {
            String vs = b.peer() == null ? ""
                    : Double.isNaN(b.ratio()) ? "vs " + b.peer()
                    : String.format(Locale.ROOT, "%.2f× %s", b.ratio(), b.peer());
            String note = b.note().isEmpty() ? "" : "  [" + b.note() + "]";
            w.printf(Locale.ROOT, "%-12s %-38s %10s %-9s %s%s%n", b.model(), b.name(), format(b.median()), b.unit(), vs, note);
        }
    }

    static String format(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static void writeJson(Path file, MlBenchmark bench, List<BenchResult> results) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("machine", bench.machine());
        root.put("intraOpThreads", Threads.intraOp());
        root.put("interOpThreads", Threads.interOp());
        root.put("repeats", bench.repeats());
        root.put("newTokens", bench.newTokens());
        ArrayNode rows = root.putArray("results");
        for (BenchResult b : results) {
            ObjectNode row = rows.addObject();
            row.put("model", b.model());
            row.put("name", b.name());
            row.put("unit", b.unit());
            row.put("median", b.median());
            ArrayNode reps = row.putArray("repeats");
            for (double v : b.repeats()) {
                reps.add(v);
            }
            if (b.peer() != null) {
                row.put("peer", b.peer());
                if (!Double.isNaN(b.ratio())) {
                    row.put("ratio", b.ratio());
                }
            }
            if (!b.note().isEmpty()) {
                row.put("note", b.note());
            }
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        json.writeValue(file.toFile(), root);
    }
}
