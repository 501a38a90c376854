package dev.cnnc.cli;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.codegen.GeneratedFile;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "show",
        description = {"Prints one generated class: the model class, or the class of one layer.",
                "Use it to read exactly what a network computes."},
        mixinStandardHelpOptions = true)
final class ShowCommand implements Callable<Integer> {
    @Mixin
    ScriptOption script;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The .cnn file.")
    Path file;

    @Parameters(index = "1", arity = "0..1", paramLabel = "LAYER",
            description = "A layer's name (conv2d_1) or class name (Conv2d1); default: the model class.")
    String layer;

    @picocli.CommandLine.Option(names = "--vector", description = "Show the Vector API variant.")
    boolean vector;

    @Override
    public Integer call() {
        CnnCompiler.Checked checked = Sources.check(file, spec.commandLine().getErr());
        if (!checked.ok()) {
            return Main.MODEL_ERRORS;
        }
        List<GeneratedFile> files = CnnCompiler.generate(checked.model(), CnnCompiler.Options.defaults().withVector(vector));
        String wanted = layer == null ? checked.model().name() : layer;
        for (GeneratedFile f : files) {
            if (f.simpleName().equals(wanted) || wanted.equals(f.layerName())) {
                spec.commandLine().getOut().print(f.text());
                spec.commandLine().getOut().flush();
                return Main.OK;
            }
        }
        List<String> names = checked.model().layers().stream().map(l -> l.name()).toList();
        throw new Main.UserException("no layer '" + wanted + "' in " + file + " (layers: " + String.join(", ", names) + ")",
                Main.USAGE);
    }
}
