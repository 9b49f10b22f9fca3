package dev.feedloop.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code feedloop bench}: a group of benchmarks; each is its own subcommand. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure this machine. Figures go in BENCHMARKS.md.",
        subcommands = {MlBenchCommand.class, RlBenchCommand.class})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing benchmark (try: ml, rl)");
    }
}
