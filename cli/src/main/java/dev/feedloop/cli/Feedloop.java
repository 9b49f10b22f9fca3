package dev.feedloop.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code feedloop} command. Each subcommand is its own class, listed once in
 * {@code subcommands} below: to add one ({@code run}, {@code import}, {@code annotate},
 * {@code rm train}, …) write a picocli {@code @Command} class in this package and add it there.
 * A subcommand reports bad usage by throwing {@link ParameterException} (exit 2) and any other
 * failure by throwing (exit 1); both print one line on stderr.
 *
 * <p>Before anything loads DJL it turns on DJL's offline mode ({@code ai.djl.offline=true}) and
 * opts out of DJL's usage tracking unless the environment says otherwise (STACK-NOTES pitfall 11).
 */
@Command(name = "feedloop",
        mixinStandardHelpOptions = true,
        version = "feedloop 0.1.0",
        description = "Online RLHF on a Llama-family model: sample, label, train, publish.",
        subcommands = {RunCommand.class, GenerateCommand.class, AnnotateCommand.class, BenchCommand.class, ImportCommand.class, RmCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the command failed while running (one line on stderr says why)",
            "2:bad usage: unknown command or option, bad value, missing file"})
public final class Feedloop implements Callable<Integer> {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    /** Environment variable that prints the stack trace of a failure. */
    public static final String DEBUG_ENV = "FEEDLOOP_DEBUG";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command (try: generate, bench)");
    }

    public static void main(String[] args) {
        int code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /** Runs the command line in this JVM, writing to the given streams; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(args, out, err, CommandLine.defaultFactory());
    }

    /**
     * As {@link #execute(String[], PrintWriter, PrintWriter)}, with picocli's factory of command
     * objects: a test hands in a prepared {@code RunCommand} (extra service properties, a hook that
     * kills a service mid-run) and the real command line parses into it.
     */
    static int execute(String[] args, PrintWriter out, PrintWriter err, CommandLine.IFactory factory) {
        prepareEnvironment();
        CommandLine cli = new CommandLine(new Feedloop(), factory);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            CommandLine where = e.getCommandLine();
            where.getErr().println(where.getCommandName().equals("feedloop")
                    ? "feedloop: " + e.getMessage() + " (see: feedloop --help)"
                    : qualifiedName(where) + ": " + e.getMessage() + " (see: " + qualifiedName(where) + " --help)");
            where.getErr().flush();
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, where, parsed) -> {
            where.getErr().println(qualifiedName(where) + ": " + describe(e));
            if (System.getenv(DEBUG_ENV) != null) {
                e.printStackTrace(where.getErr());
            }
            where.getErr().flush();
            return FAILED;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Offline DJL and no usage tracking, unless the user set otherwise. */
    static void prepareEnvironment() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // DJL reads OPT_OUT_TRACKING from the environment first, then from system properties.
        if (System.getenv("OPT_OUT_TRACKING") == null && System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    static String qualifiedName(CommandLine c) {
        return c.getCommandSpec().qualifiedName();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e;
        while ((message == null || message.isBlank()) && cause.getCause() != null) {
            cause = cause.getCause();
            message = cause.getMessage();
        }
        return message == null ? e.getClass().getSimpleName() : message.strip().replace('\n', ' ');
    }
}
