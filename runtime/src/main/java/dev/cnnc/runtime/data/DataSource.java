package dev.cnnc.runtime.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A data set named the way a user names one on the command line ({@code photos/}, {@code data.npz},
 * {@code train.csv}, {@code npz:data.npz#images,labels}), and loading it into {@link Dataset}s shaped for a
 * model. The one place that knows every reader, so that a program and the {@code cnnc} command load data the
 * same way:
 *
 * <pre>{@code
 * DataSource.Loaded data = DataSource.parse("photos/").load(new DataSource.Options(Needs.of(net, loss)));
 * session.train(data.train(), data.test());
 * }</pre>
 *
 * <h2>How the kind is recognised</h2>
 * An explicit {@code kind:path} wins ({@code idx:}, {@code npy:}, {@code npz:}, {@code images:}, {@code csv:}).
 * Otherwise: {@code mnist} is MNIST; a file ending in {@code .npz}, {@code .npy} or {@code .csv} is that; a
 * file whose name contains {@code idx} (or that starts with an IDX magic number) is an IDX images file, with
 * its labels file beside it ({@code -images-idx3-} replaced by {@code -labels-idx1-}); a folder holding
 * {@code train-images-idx3-ubyte[.gz]} is IDX, one holding {@code x_train.npy} is NumPy, any other folder is an
 * image folder.
 *
 * <h2>Pairs and keys</h2>
 * Inputs and labels come in pairs: {@code idx:IMAGES,LABELS}, {@code npy:X.npy,Y.npy}; an {@code .npz} holds
 * {@code x_train, y_train} (and optionally {@code x_test, y_test}) as Keras' {@code datasets} save them, or
 * the names after {@code #}: {@code data.npz#images,labels[,test_images,test_labels]}.
 */
public final class DataSource {

    /** The kinds of source. */
    public enum Kind {
        MNIST, IDX, NPY, NPZ, IMAGES, CSV;

        /** The lower-case prefix of {@code kind:path}. */
        public String prefix() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a reader treats the data, beyond the model's needs. */
    public record Options(Needs needs, boolean skipBadImages, Csv.Scale csvScale, PrintStream log,
            ImageCache.Mode cache, Path cacheDir) {
        /** Checks the arguments. */
        public Options {
            Objects.requireNonNull(needs, "needs");
            Objects.requireNonNull(csvScale, "csvScale");
            Objects.requireNonNull(log, "log");
            Objects.requireNonNull(cache, "cache");
            Objects.requireNonNull(cacheDir, "cacheDir");
        }

        /** These options with image folders decoded into a cache in {@code cacheDir} as {@code cache} says. */
        public Options(Needs needs, boolean skipBadImages, Csv.Scale csvScale, PrintStream log) {
            this(needs, skipBadImages, csvScale, log, ImageCache.Mode.AUTO, ImageCache.defaultDir());
        }

        /** Defaults: stop at a bad image, CSV scale detected, notes to {@code System.err}. */
        public Options(Needs needs) {
            this(needs, false, Csv.Scale.AUTO, System.err);
        }
    }

    /**
     * What a source held: training examples, and test or validation examples when the source has them
     * ({@code x_test} in an {@code .npz}, {@code test/} in an image folder), else null; class names (the sorted
     * folder names of an image folder) or null.
     */
    public record Loaded(Dataset train, Dataset test, Dataset validation, List<String> classNames) {
        /** Checks the training set is present. */
        public Loaded {
            Objects.requireNonNull(train, "train");
            classNames = classNames == null ? null : List.copyOf(classNames);
        }
    }

    /** The standard IDX names (MNIST's, Fashion-MNIST's, ...), each raw or with {@code .gz}. */
    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** {@code dir/name} if it is a file, else {@code dir/name.gz} if that is, else null. */
    static Path findIdx(Path dir, String name) {
        Path raw = dir.resolve(name);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        Path gzipped = dir.resolve(name + ".gz");
        return Files.isRegularFile(gzipped) ? gzipped : null;
    }

    private final Kind kind;
    private final List<Path> paths;
    private final List<String> keys;
    private final String text;

    private DataSource(Kind kind, List<Path> paths, List<String> keys, String text) {
        this.kind = kind;
        this.paths = List.copyOf(paths);
        this.keys = List.copyOf(keys);
        this.text = text;
    }

    /** The kind. */
    public Kind kind() {
        return kind;
    }

    /** The paths: one, or a pair. */
    public List<Path> paths() {
        return paths;
    }

    /** The array names given after {@code #}, if any. */
    public List<String> keys() {
        return keys;
    }

    @Override
    public String toString() {
        return text;
    }

    /**
     * Recognises a source as the class comment says.
     *
     * @throws DataFormatException if the kind cannot be told, a path does not exist, or a pair is incomplete
     */
    public static DataSource parse(String text) throws DataFormatException {
        Objects.requireNonNull(text, "text");
        if (text.equals("mnist")) {
            return new DataSource(Kind.MNIST, List.of(), List.of(), text);
        }
        Kind explicit = null;
        String rest = text;
        int colon = text.indexOf(':');
        if (colon > 1) {
            for (Kind k : Kind.values()) {
                if (text.substring(0, colon).equalsIgnoreCase(k.prefix())) {
                    explicit = k;
                    rest = text.substring(colon + 1);
                }
            }
        }
        if (explicit == Kind.MNIST) {
            return new DataSource(Kind.MNIST, rest.isEmpty() ? List.of() : List.of(Path.of(rest)), List.of(), text);
        }
        List<String> keys = List.of();
        int hash = rest.lastIndexOf('#');
        if (hash > 0 && !Files.exists(Path.of(rest))) {
            keys = List.of(rest.substring(hash + 1).split(","));
            rest = rest.substring(0, hash);
        }
        List<Path> paths = new ArrayList<>();
        for (String p : rest.split(",")) {
            Path path = Path.of(p);
            if (!Files.exists(path)) {
                throw new DataFormatException(path, "no such file or folder");
            }
            paths.add(path);
        }
        Kind kind = explicit != null ? explicit : recognise(paths.get(0));
        if (kind == Kind.IDX && paths.size() == 1 && Files.isRegularFile(paths.get(0))) {
            paths.add(labelsBeside(paths.get(0)));
        }
        if ((kind == Kind.NPY && Files.isRegularFile(paths.get(0)) || kind == Kind.IDX && Files.isRegularFile(paths.get(0)))
                && paths.size() != 2) {
            throw new DataFormatException(text, kind.prefix() + " files come in pairs, inputs then labels: "
                    + kind.prefix() + ":INPUTS,LABELS");
        }
        return new DataSource(kind, paths, keys, text);
    }

    private static Kind recognise(Path path) throws DataFormatException {
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(path)) {
            if (findIdx(path, TRAIN_IMAGES) != null || holdsIdxFiles(path)) {
                return Kind.IDX;
            }
            if (Files.exists(path.resolve("x_train.npy"))) {
                return Kind.NPY;
            }
            return Kind.IMAGES;
        }
        if (name.endsWith(".npz")) {
            return Kind.NPZ;
        }
        if (name.endsWith(".npy")) {
            return Kind.NPY;
        }
        if (name.endsWith(".csv")) {
            return Kind.CSV;
        }
        if (name.contains("idx")) {
            return Kind.IDX;
        }
        throw new DataFormatException(path, "cannot tell what kind of data this is from its name; write KIND:"
                + path + " with KIND one of idx, npy, npz, images, csv");
    }

    /** Whether {@code dir} directly holds a file named like an IDX file ({@code ...-idx1-ubyte}, {@code ...-idx3-ubyte.gz}). */
    private static boolean holdsIdxFiles(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().matches(".*-idx[0-9]-ubyte(\\.gz)?"));
        } catch (IOException e) {
            return false;
        }
    }

    private static Path labelsBeside(Path images) throws DataFormatException {
        String name = images.getFileName().toString();
        String labels = name.replace("images-idx3", "labels-idx1").replace("images", "labels");
        Path file = images.resolveSibling(labels);
        if (labels.equals(name) || !Files.isRegularFile(file)) {
            throw new DataFormatException(images, "no labels file beside it (looked for " + labels
                    + "); give both: idx:IMAGES,LABELS");
        }
        return file;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Loading

    /**
     * Loads the examples, shaped for {@code options.needs()}.
     *
     * @throws DataFormatException if a file is malformed or holds bad values (naming the file)
     * @throws DataMismatchException if the data cannot fit the model, naming both sides
     * @throws IOException if a file cannot be read
     */
    public Loaded load(Options options) throws IOException {
        Needs needs = options.needs();
        switch (kind) {
            case IDX -> {
                if (Files.isDirectory(paths.get(0))) {
                    Path dir = paths.get(0);
                    Dataset train = idx(required(dir, TRAIN_IMAGES), required(dir, TRAIN_LABELS), needs);
                    Path testImages = findIdx(dir, TEST_IMAGES);
                    Dataset test = testImages == null ? null : idx(testImages, required(dir, TEST_LABELS), needs);
                    return new Loaded(train, test, null, null);
                }
                return new Loaded(idx(paths.get(0), paths.get(1), needs), null, null, null);
            }
            case NPY -> {
                if (Files.isDirectory(paths.get(0))) {
                    Path dir = paths.get(0);
                    Dataset train = fromArrays(dir.toString(), Npy.read(dir.resolve("x_train.npy")),
                            Npy.read(requiredFile(dir, "y_train.npy")), needs);
                    Dataset test = Files.exists(dir.resolve("x_test.npy"))
                            ? fromArrays(dir.toString(), Npy.read(dir.resolve("x_test.npy")),
                                    Npy.read(requiredFile(dir, "y_test.npy")), needs)
                            : null;
                    return new Loaded(train, test, null, null);
                }
                return new Loaded(fromArrays(paths.get(0).toString(), Npy.read(paths.get(0)), Npy.read(paths.get(1)),
                        needs), null, null, null);
            }
            case NPZ -> {
                String[] names = keys.isEmpty() ? new String[] {"x_train", "y_train", "x_test", "y_test"}
                        : keys.toArray(new String[0]);
                if (names.length != 2 && names.length != 4) {
                    throw new DataFormatException(text, "give two array names (inputs, labels) or four (and the test"
                            + " inputs and labels) after #, found " + names.length);
                }
                Npy.Array[] a = Npz.read(paths.get(0), names.length == 2 || !keys.isEmpty() ? names.length : 2, names);
                Dataset train = fromArrays(paths.get(0).toString(), a[0], a[1], needs);
                Dataset test = null;
                if (names.length == 4 && a[2] != null) {
                    if (a[3] == null) {
                        throw new DataFormatException(paths.get(0), "holds " + names[2] + " but no " + names[3]
                                + "; the archive holds " + String.join(", ", Npz.keys(paths.get(0))));
                    }
                    test = fromArrays(paths.get(0).toString(), a[2], a[3], needs);
                }
                return new Loaded(train, test, null, null);
            }
            case IMAGES -> {
                return ImageFolder.load(paths.get(0), options);
            }
            case CSV -> {
                return new Loaded(Csv.read(paths.get(0), options), null, null, null);
            }
            default -> throw new IllegalStateException("MNIST is loaded by Mnist, not by DataSource.load");
        }
    }

    private static Path required(Path dir, String name) throws DataFormatException {
        Path p = findIdx(dir, name);
        if (p == null) {
            throw new DataFormatException(dir, "holds IDX files but no " + name + "[.gz]; a folder of IDX files holds "
                    + TRAIN_IMAGES + " and " + TRAIN_LABELS + " (and optionally " + TEST_IMAGES + " and " + TEST_LABELS
                    + "), each raw or .gz; or give the files: idx:IMAGES,LABELS");
        }
        return p;
    }

    private static Path requiredFile(Path dir, String name) throws DataFormatException {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new DataFormatException(dir, "holds the inputs but not " + name);
        }
        return p;
    }

    /** An IDX images file and its labels file, of any image size and class count. */
    static Dataset idx(Path images, Path labels, Needs needs) throws IOException {
        Idx.Images im = Idx.readImages(images);
        Idx.Labels lb = Idx.readLabels(labels, 256);
        if (im.count() != lb.count()) {
            throw new DataFormatException(labels, "holds " + lb.count() + " labels but the images file " + images
                    + " holds " + im.count() + " images; the two files do not belong together");
        }
        return fromArrays(images.toString(), new Npy.Array(images.toString(), "|u1",
                new int[] {im.count(), im.rows(), im.cols()}, im.pixels(), null),
                new Npy.Array(labels.toString(), "|u1", new int[] {lb.count()}, lb.labels(), null), needs);
    }

    /**
     * Examples from an inputs array {@code x} ({@code (N, ...)}) and a targets array {@code y} ({@code (N,)}
     * class indices, {@code (N, K)} one-hot rows, or float targets), shaped for {@code needs}. Unsigned bytes
     * are scaled to [0, 1] as {@code value / 255}; floats are taken as they are.
     *
     * <p>An example fits the model's input when it has its shape up to dimensions of size 1
     * ({@code (N, 28, 28)} for {@code (28, 28, 1)}), when it is flat with the right number of values, or, for
     * bytes, when it is the channels-last form of a channels-first input.
     *
     * @param source for messages, e.g. the file
     * @throws DataFormatException for arrays that do not go together or labels that are not classes
     * @throws DataMismatchException for data that does not fit the model, naming both sides
     */
    public static Dataset fromArrays(String source, Npy.Array x, Npy.Array y, Needs needs) throws DataFormatException {
        if (x.shape().length < 2) {
            throw new DataFormatException(x.name(), "the inputs have shape " + x.shapeText()
                    + "; they need one dimension for the examples and at least one for each example's values");
        }
        int n = x.shape()[0];
        if (y.shape().length == 0 || y.shape()[0] != n) {
            throw new DataFormatException(y.name(), "holds " + (y.shape().length == 0 ? "a scalar" : y.shape()[0]
                    + " targets") + " but the inputs " + x.name() + " hold " + n + " examples; they do not belong together");
        }
        int[] example = Arrays.copyOfRange(x.shape(), 1, x.shape().length);
        int[] model = needs.inputShape();
        boolean transpose = false;
        if (!Arrays.equals(squeeze(example), squeeze(model)) && !(example.length == 1 && example[0] == Dataset.product(model))) {
            transpose = example.length == 3 && model.length == 3 && example[2] > 1 && example[2] == model[0]
                    && example[0] == model[1] && example[1] == model[2];
            if (!transpose) {
                throw new DataMismatchException("the " + (example.length >= 2 ? "images" : "examples") + " in " + x.name()
                        + " are " + exampleText(example) + ", but the model's input is " + needs.inputText(), false);
            }
        }
        int size = Dataset.product(model);
        String name = x.name();
        if (needs.vectors()) {
            int[] targetShape = y.shape().length == 1 ? new int[] {1} : Arrays.copyOfRange(y.shape(), 1, y.shape().length);
            return ArrayDataset.ofVectors(name, model, floats(x, transpose, n, example), targetShape, floats(y));
        }
        int classes = needs.classes();
        int[] labels = new int[n];
        if (y.shape().length == 1 || y.shape().length == 2 && y.shape()[1] == 1) {
            int max = -1;
            int firstBad = -1;
            for (int i = 0; i < n; i++) {
                float v = y.get(i);
                if (v < 0 || v != Math.rint(v)) {
                    throw new DataFormatException(y.name(), "the target " + v + " of example " + i + " is not a class"
                            + " index (0, 1, 2, ...); for float targets train with loss='mean_squared_error'");
                }
                labels[i] = (int) v;
                if (labels[i] >= classes && max < labels[i]) {
                    max = labels[i];
                    firstBad = i;
                }
            }
            if (max >= classes) {
                throw new DataMismatchException("the labels in " + y.name() + " have at least " + (max + 1)
                        + " classes (label " + max + ", example " + firstBad + "), but the model ends with "
                        + needs.outputText() + "; labels must lie in 0.." + (classes - 1), false);
            }
        } else if (y.shape().length == 2) {
            int width = y.shape()[1];
            if (!oneHot(y, n, width, labels)) {
                return ArrayDataset.ofVectors(name, model, floats(x, transpose, n, example), new int[] {width}, floats(y));
            }
            if (width != classes) {
                throw new DataMismatchException("the labels in " + y.name() + " have " + width
                        + " classes (one-hot), but the model ends with " + needs.outputText(), false);
            }
        } else {
            throw new DataFormatException(y.name(), "labels of shape " + y.shapeText() + " are neither class indices"
                    + " (N,) nor one-hot rows (N, K)");
        }
        Dataset data;
        if (x.isBytes() && classes <= 256 && model.length == 3 && (needs.channelsLast() || transpose
                || needs.channels() == 1)) {
            int rows = needs.rows();
            int cols = needs.cols();
            int channels = needs.channels();
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) {
                b[i] = (byte) labels[i];
            }
            ImageDataset images = ImageDataset.fromBytes(name, rows, cols, channels, classes, x.bytes(), b);
            data = needs.channelsLast() ? images : images.channelsFirst();
        } else {
            data = ArrayDataset.ofClasses(name, model, floats(x, transpose, n, example), classes, labels);
        }
        return needs.binary() ? new BinaryTargets(data) : data;
    }

    private static boolean oneHot(Npy.Array y, int n, int width, int[] labels) {
        for (int i = 0; i < n; i++) {
            int hot = -1;
            for (int k = 0; k < width; k++) {
                float v = y.get(i * width + k);
                if (v == 1f && hot < 0) {
                    hot = k;
                } else if (v != 0f) {
                    return false;
                }
            }
            if (hot < 0) {
                return false;
            }
            labels[i] = hot;
        }
        return true;
    }

    /** The values of {@code a} as floats, bytes scaled by 1/255, channels moved first if {@code transpose}. */
    private static float[] floats(Npy.Array a, boolean transpose, int n, int[] example) {
        float[] out = floats(a);
        if (!transpose) {
            return out;
        }
        int rows = example[0];
        int cols = example[1];
        int ch = example[2];
        int size = rows * cols * ch;
        float[] t = new float[out.length];
        for (int e = 0; e < n; e++) {
            for (int p = 0; p < rows * cols; p++) {
                for (int c = 0; c < ch; c++) {
                    t[e * size + c * rows * cols + p] = out[e * size + p * ch + c];
                }
            }
        }
        return t;
    }

    private static float[] floats(Npy.Array a) {
        if (!a.isBytes()) {
            return a.floats();
        }
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (a.bytes()[i] & 0xFF) / 255f;
        }
        return out;
    }

    private static int[] squeeze(int[] shape) {
        return Arrays.stream(shape).filter(d -> d != 1).toArray();
    }

    /** {@code 64x64 RGB}, {@code 784 values}. */
    private static String exampleText(int[] example) {
        if (example.length == 2) {
            return Needs.imageText(example[0], example[1], 1);
        }
        if (example.length == 3) {
            return Needs.imageText(example[0], example[1], example[2]);
        }
        return example.length == 1 ? example[0] + " values" : Dataset.dims(example);
    }
}
