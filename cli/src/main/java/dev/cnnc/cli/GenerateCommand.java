package dev.cnnc.cli;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.codegen.GeneratedFile;
import dev.cnnc.compiler.codegen.GeneratedSources;
import dev.cnnc.compiler.codegen.Names;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "generate",
        description = {"Generates the Java sources of a model: one class per layer and the model class.",
                "Files whose content is unchanged are not rewritten."},
        mixinStandardHelpOptions = true)
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ScriptOption script;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The .cnn file.")
    Path file;

    @Option(names = {"-d", "--directory"}, required = true, paramLabel = "OUTDIR",
            description = "The source root to write into (package directories are created below it).")
    Path outputDirectory;

    @Option(names = {"-p", "--package"}, paramLabel = "P",
            description = {"The Java package of the model class if the file has no package line",
                    "(the file's line wins; default: none)."})
    String packageName;

    @Option(names = "--input-gradient", description = "Also compute the gradient of the model's input in backward passes.")
    boolean inputGradient;

    @Option(names = "--variant", paramLabel = "V", defaultValue = "auto",
            description = {"The layers' code: auto (both the portable and the Vector API code, the faster chosen",
                    "when the model runs; the default), vector, or portable. Compiling auto and vector code",
                    "needs javac --add-modules jdk.incubator.vector."})
    String variant;

    @Option(names = "--vector", description = "Same as --variant vector.")
    boolean vector;

    @Option(names = "--portable", description = "Same as --variant portable: plain Java, compiles without flags.")
    boolean portable;

    private CnnCompiler.Variant variant() {
        if (vector && portable) {
            throw new Main.UserException("give --vector or --portable, not both", Main.USAGE);
        }
        if (vector) {
            return CnnCompiler.Variant.VECTOR;
        }
        if (portable) {
            return CnnCompiler.Variant.PORTABLE;
        }
        for (CnnCompiler.Variant v : CnnCompiler.Variant.values()) {
            if (v.option().equals(variant)) {
                return v;
            }
        }
        throw new Main.UserException("unknown --variant '" + variant + "': use auto, vector or portable", Main.USAGE);
    }

    @Override
    public Integer call() {
        CnnCompiler.Checked checked = Sources.check(file, spec.commandLine().getErr());
        if (!checked.ok()) {
            return Main.MODEL_ERRORS;
        }
        String problem = packageName == null ? null : Names.packageProblem(packageName);
        if (problem != null) {
            throw new Main.UserException("--package " + packageName + ": " + problem, Main.USAGE);
        }
        String filePackage = checked.model().packageName();
        if (packageName != null && filePackage != null && !filePackage.equals(packageName)) {
            spec.commandLine().getErr().println(file + ": warning: the file's line 'package " + filePackage
                    + "' wins over --package " + packageName);
        }
        CnnCompiler.Variant v = variant();
        List<GeneratedFile> files = CnnCompiler.generate(checked.model(),
                new CnnCompiler.Options(packageName, inputGradient, v));
        try {
            GeneratedSources.Written written = GeneratedSources.write(files, outputDirectory);
            spec.commandLine().getOut().printf("%s: %d files in %s (%d written, %d unchanged)%n", file, files.size(),
                    outputDirectory, written.written(), written.unchanged());
            if (v.needsVectorModule()) {
                spec.commandLine().getOut().println("Compile them with javac --add-modules jdk.incubator.vector "
                        + "(or generate with --portable).");
            }
        } catch (IOException e) {
            throw new Main.UserException("cannot write to " + outputDirectory + ": " + e.getMessage(), Main.USAGE);
        }
        return Main.OK;
    }
}
