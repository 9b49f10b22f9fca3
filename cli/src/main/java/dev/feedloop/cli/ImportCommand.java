package dev.feedloop.cli;

import dev.feedloop.cli.imports.HhRlhfImport;
import dev.feedloop.cli.imports.ImportBatch;
import dev.feedloop.cli.imports.ImportPublisher;
import dev.feedloop.cli.imports.OasstImport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code feedloop import}: publishes a public preference dataset as {@code RolloutGenerated} and
 * {@code FeedbackRecorded} events (source {@code IMPORT}); one subcommand per dataset. Importing a
 * file again publishes nothing new (see {@link ImportPublisher}).
 */
@Command(name = "import",
        mixinStandardHelpOptions = true,
        description = "Publish a preference dataset as rollouts and feedback events (source IMPORT); importing twice adds nothing.",
        subcommands = {ImportCommand.HhRlhf.class, ImportCommand.Oasst.class})
final class ImportCommand implements Callable<Integer> {
    /** Environment variable naming the cluster, as for every Feedloop process. */
    static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";
    static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing dataset (try: hh-rlhf, oasst)");
    }

    /** The FILE and the broker address, and the publishing, shared by both datasets. */
    abstract static class DatasetImport implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The dataset file.")
        Path file;

        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
                description = "Kafka bootstrap servers (default: $" + BOOTSTRAP_ENV + ", else " + DEFAULT_BOOTSTRAP + ").")
        String bootstrapServers;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
                description = "How long one Kafka call may take before the import fails (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        abstract ImportBatch read(Path file, Instant now);

        @Override
        public Integer call() {
            if (!Files.isRegularFile(file)) {
                throw new ParameterException(spec.commandLine(), "FILE: no such file: " + file);
            }
            String bootstrap = bootstrapServers != null ? bootstrapServers
                    : System.getenv(BOOTSTRAP_ENV) != null && !System.getenv(BOOTSTRAP_ENV).isBlank()
                            ? System.getenv(BOOTSTRAP_ENV) : DEFAULT_BOOTSTRAP;
            if (timeoutSeconds < 1) {
                throw new ParameterException(spec.commandLine(), "--timeout " + timeoutSeconds + " must be >= 1");
            }
            if (bootstrap.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--bootstrap-servers must not be empty");
            }
            PrintWriter out = spec.commandLine().getOut();
            ImportBatch batch = read(file, Instant.now());
            out.printf(Locale.ROOT, "%s: %,d rollouts, %,d feedback events %s%n", file.getFileName(),
                    batch.rollouts().size(), batch.feedback().size(), batch.stats());
            out.flush();
            try (ImportPublisher publisher = new ImportPublisher(bootstrap, java.time.Duration.ofSeconds(timeoutSeconds))) {
                List<String> created = publisher.ensureTopics();
                if (!created.isEmpty()) {
                    out.printf(Locale.ROOT, "created %d missing topics at %s%n", created.size(), bootstrap);
                }
                for (ImportPublisher.Published p : publisher.publish(batch)) {
                    out.printf(Locale.ROOT, "%s: %,d published, %,d already there (of %,d)%n",
                            p.topic(), p.published(), p.alreadyThere(), p.events());
                }
            }
            out.flush();
            return Feedloop.OK;
        }
    }

    @Command(name = "hh-rlhf",
            mixinStandardHelpOptions = true,
            description = "Anthropic HH-RLHF JSONL(.gz): per row a rollout of the two replies and a comparison (chosen = A_BETTER).")
    static final class HhRlhf extends DatasetImport {
        @Override
        ImportBatch read(Path file, Instant now) {
            return HhRlhfImport.read(file, now);
        }
    }

    @Command(name = "oasst",
            mixinStandardHelpOptions = true,
            description = "OpenAssistant trees JSONL: per prompter message a rollout of its replies, the sibling ranks as a ranking, emoji reactions as thumbs and flags.")
    static final class Oasst extends DatasetImport {
        @Override
        ImportBatch read(Path file, Instant now) {
            return OasstImport.read(file, now);
        }
    }
}
