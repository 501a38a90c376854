package dev.cnnc.cli;

import dev.cnnc.compiler.load.NetworkFactory;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.io.WeightsFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code FILE --weights W}: a model and the weights trained for it (evaluate, predict, visualize, report, export). */
final class TrainedModel {
    @Parameters(paramLabel = "FILE", description = "The .cnn file the weights were trained for.")
    Path file;

    @Option(names = "--weights", required = true, paramLabel = "W", description = {"A weights file saved by cnnc train, or a Keras .h5",
            "(save_weights or model.save), matched by order as Keras' load_weights."})
    Path weights;

    /** The model and what its weights file holds. */
    record Loaded(Network model, WeightsFile.Contents contents, dev.cnnc.compiler.ir.Model ir) {}

    /**
     * The model (batch size 1, in the code {@code vector} chooses) with the weights loaded; null if
     * FILE has errors, which are printed on {@code err}. A bad weights file is a usage error.
     */
    Loaded load(PrintWriter err, VectorOption vector) {
        return load(err, vector.use(err));
    }

    /** As {@link #load(PrintWriter, VectorOption)}, in the variant {@code vector} says (export needs no speed). */
    Loaded load(PrintWriter err, boolean vector) {
        NetworkFactory factory = Models.load(file, err, vector);
        if (factory == null) {
            return null;
        }
        Network model = factory.create(1, 0);
        return new Loaded(model, Weights.load(weights, model), factory.model());
    }
}
