package dev.cnnc.cli;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.ir.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "check",
        description = {"Checks .cnn files: syntax, arguments and every shape.",
                "Prints each problem as FILE:LINE:COL: error: message, with the source line and a caret."},
        mixinStandardHelpOptions = true)
final class CheckCommand implements Callable<Integer> {
    @Mixin
    ScriptOption script;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "The .cnn files to check.")
    List<Path> files;

    @Override
    public Integer call() {
        int exit = Main.OK;
        for (Path file : files) {
            CnnCompiler.Checked checked;
            try {
                checked = Sources.check(file, spec.commandLine().getErr());
            } catch (Main.UserException e) {
                spec.commandLine().getErr().println("cnnc: " + e.getMessage());
                exit = Math.max(exit, e.exitCode());
                continue;
            }
            if (!checked.ok()) {
                exit = Math.max(exit, Main.MODEL_ERRORS);
                continue;
            }
            Model m = checked.model();
            spec.commandLine().getOut().println(String.format(Locale.ROOT, "%s: ok: model %s, %d layer%s, %s -> %s, %,d parameters",
                    file, m.name(), m.layers().size(), m.layers().size() == 1 ? "" : "s", m.inputShape(), m.outputShape(), m.parameterCount()));
        }
        return exit;
    }
}
