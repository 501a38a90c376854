package dev.cnnc.cli;

import dev.cnnc.interop.InteropException;
import dev.cnnc.interop.keras.KerasImport;
import dev.cnnc.runtime.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import",
        description = {"Imports a Keras model file (model.save, Keras 2.2.x or tf.keras 2.x):",
                "writes NAME.cnn with the same layers, names and non-default arguments,",
                "and its weights as NAME.cnnw. Then: cnnc summary NAME.cnn, or",
                "cnnc evaluate NAME.cnn --weights NAME.cnnw."},
        mixinStandardHelpOptions = true)
final class ImportCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL.h5", description = "A Keras HDF5 model file.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = ".",
            description = "Where to write NAME.cnn and NAME.cnnw (default: the current directory).")
    Path output;

    @Option(names = "--name", paramLabel = "NAME",
            description = "The model's (and Java class') name (default: from the file name, mnist_cnn.h5 gives MnistCnn).")
    String name;

    @Option(names = "--force", description = "Replace NAME.cnn and NAME.cnnw if they exist.")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String modelName = name != null ? name : KerasImport.modelName(file);
        if (!modelName.matches("[A-Z][A-Za-z0-9]*")) {
            throw new Main.UserException("--name " + modelName + " is not a Java class name such as MnistCnn", Main.USAGE);
        }
        Path cnn = output.resolve(modelName + ".cnn");
        Path weights = output.resolve(modelName + ".cnnw");
        for (Path p : new Path[] {cnn, weights}) {
            if (Files.exists(p) && !force) {
                throw new Main.UserException(p + " exists: cnnc import does not overwrite it (give --force to replace "
                        + "it, or -o DIR to write elsewhere)", Main.USAGE);
            }
        }
        try {
            KerasImport.Imported imported = KerasImport.read(file, modelName);
            for (String w : imported.warnings()) {
                err.println(file + ": warning: " + w);
            }
            Files.createDirectories(output);
            KerasImport.writeWeights(imported, weights);
            AtomicFiles.writeString(cnn, imported.source());
            out.printf("%s: imported %s, %d layers, %,d parameters%n  %s%n  %s%n", file, modelName,
                    imported.model().layers().size(), imported.model().parameterCount(), cnn, weights);
            out.flush();
            return Main.OK;
        } catch (InteropException e) {
            throw new Main.UserException(e.getMessage(), Main.MODEL_ERRORS);
        } catch (java.nio.file.FileSystemException e) {
            throw new Main.UserException("cannot write to " + output + ": " + (e.getReason() != null ? e.getReason()
                    : "the directory cannot be created or written (" + e.getClass().getSimpleName() + ")"), Main.USAGE);
        } catch (IOException e) {
            throw new Main.UserException("cannot write to " + output + ": " + e.getMessage(), Main.USAGE);
        }
    }
}
