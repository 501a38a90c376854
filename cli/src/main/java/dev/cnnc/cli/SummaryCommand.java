package dev.cnnc.cli;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.summary.Summary;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "summary",
        description = {"Prints a model's summary, byte for byte as Keras 2.2.4's model.summary().",
                "Shows each layer's output shape and parameter count."},
        mixinStandardHelpOptions = true)
final class SummaryCommand implements Callable<Integer> {
    @Mixin
    ScriptOption script;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The .cnn file.")
    Path file;

    @Option(names = "--flops", description = "Add a column with each layer's multiply-adds per example, and the total.")
    boolean flops;

    @Override
    public Integer call() {
        CnnCompiler.Checked checked = Sources.check(file, spec.commandLine().getErr());
        if (!checked.ok()) {
            return Main.MODEL_ERRORS;
        }
        spec.commandLine().getOut().print(Summary.of(checked.model(), flops));
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
