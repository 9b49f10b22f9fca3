package dev.feedloop.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code feedloop rm}: reward-model work on preference datasets; each action is its own subcommand. */
@Command(name = "rm",
        mixinStandardHelpOptions = true,
        description = "Train and evaluate a Bradley-Terry reward model on preference datasets (HH-RLHF, OpenAssistant).",
        subcommands = {RmTrainCommand.class, RmEvalCommand.class})
final class RmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing action (try: train, eval)");
    }
}
