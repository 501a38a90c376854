package dev.cnnc.runtime.data;

import dev.cnnc.runtime.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Images in one subfolder per class, as Keras' {@code flow_from_directory} and
 * {@code image_dataset_from_directory} take them: {@code photos/cat/1.png}, {@code photos/dog/2.jpg}. The class
 * names are the subfolder names in sorted (Unicode code point) order, class {@code i} being the {@code i}-th,
 * as in Keras. Files directly in a class folder with an extension of {@link ImageFiles#EXTENSIONS} are read
 * (subfolders of class folders and other files are not); hidden files and folders (a leading dot) are ignored.
 *
 * <p>A folder holding {@code train/} and {@code test/} (or {@code validation/}) is split: each holds the class
 * folders, and the classes are those of {@code train/}.
 *
 * <p>Every image is decoded with {@link ImageFiles#read} to the model's size and channels (grey or RGB, by
 * its input shape), on all cores, in a fixed order. An image that cannot be decoded (empty, corrupt, not an
 * image) stops loading with its name, unless {@link DataSource.Options#skipBadImages()}, which skips it with a
 * warning. Images of other sizes are resized, with one note saying how many and which sizes.
 *
 * <p>A folder whose decoded images would take more than a quarter of the heap (or any folder, with
 * {@link ImageCache.Mode#ALWAYS}) is decoded once into an {@link ImageCache} file and read memory-mapped.
 */
public final class ImageFolder {
    /** Images decoded in parallel between two redraws of the progress bar. */
    private static final int DECODE_CHUNK = 256;

    private ImageFolder() {}

    /** Loads {@code root} for {@code options.needs()}. */
    public static DataSource.Loaded load(Path root, DataSource.Options options) throws IOException {
        Needs needs = options.needs();
        if (needs.rows() < 1 || (needs.channels() != 1 && needs.channels() != 3)) {
            throw new DataMismatchException("the images in " + root + " can only be read for a model whose input is"
                    + " (rows, cols, 1) or (rows, cols, 3), but the model's input is " + Dataset.tuple(needs.inputShape()),
                    true);
        }
        Path train = root.resolve("train");
        Path test = Files.isDirectory(root.resolve("test")) ? root.resolve("test") : null;
        Path validation = Files.isDirectory(root.resolve("validation")) ? root.resolve("validation") : null;
        if (Files.isDirectory(train) && (test != null || validation != null)) {
            List<String> classes = classes(train);
            Dataset trainSet = read(train, classes, options);
            Dataset testSet = test == null ? null : read(test, classes, options);
            Dataset validationSet = validation == null ? null : read(validation, classes, options);
            return new DataSource.Loaded(trainSet, testSet, validationSet, classes);
        }
        List<String> classes = classes(root);
        return new DataSource.Loaded(read(root, classes, options), null, null, classes);
    }

    /** The sorted class folder names of {@code dir}. */
    static List<String> classes(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .sorted().forEach(names::add);
        }
        if (names.isEmpty()) {
            throw new DataFormatException(dir, "holds no class folders; an image folder holds one subfolder per"
                    + " class (" + dir + "/cat/1.png, " + dir + "/dog/2.png)");
        }
        if (names.size() > 256) {
            throw new DataFormatException(dir, "holds " + names.size() + " class folders; an image folder may have at"
                    + " most 256 classes (its labels are bytes)");
        }
        if (names.size() == 1) {
            throw new DataFormatException(dir, "holds one class folder (" + names.get(0) + "); a classifier needs"
                    + " at least two, one subfolder per class");
        }
        return names;
    }

    private static Dataset read(Path dir, List<String> classes, DataSource.Options options) throws IOException {
        Needs needs = options.needs();
        List<Path> files = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        List<String> here = classes(dir);
        for (String name : here) {
            if (!classes.contains(name)) {
                throw new DataFormatException(dir.resolve(name), "is a class the training images do not have; their"
                        + " classes are " + String.join(", ", classes));
            }
        }
        for (int c = 0; c < classes.size(); c++) {
            Path classDir = dir.resolve(classes.get(c));
            if (!Files.isDirectory(classDir)) {
                continue;
            }
            try (Stream<Path> s = Files.list(classDir)) {
                for (Path f : s.filter(Files::isRegularFile).filter(ImageFiles::isImageName)
                        .filter(p -> !p.getFileName().toString().startsWith("."))
                        .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList()) {
                    files.add(f);
                    labelList.add(c);
                }
            }
        }
        if (files.isEmpty()) {
            throw new DataFormatException(dir, "holds no images (" + String.join(", ", ImageFiles.EXTENSIONS)
                    + ") in its class folders");
        }
        if (classes.size() != needs.classes() && !needs.vectors()) {
            throw new DataMismatchException("the images in " + dir + " have " + classes.size() + " classes (folders "
                    + abbreviate(classes) + "), but the model ends with " + needs.outputText(), false);
        }
        int rows = needs.rows();
        int cols = needs.cols();
        int channels = needs.channels();
        int size = rows * cols * channels;
        int n = files.size();
        if (ImageCache.wanted(options.cache(), (long) n * size)) {
            byte[] lbs = new byte[n];
            for (int i = 0; i < n; i++) {
                lbs[i] = (byte) (int) labelList.get(i);
            }
            MappedImageDataset mapped = ImageCache.load(dir, files, lbs, classes, rows, cols, channels, options);
            Dataset data = needs.channelsLast() || channels == 1 ? mapped : mapped.channelsFirst();
            return needs.binary() ? new BinaryTargets(data) : data;
        }
        byte[] pixels = new byte[Math.multiplyExact(n, size)];
        DataFormatException[] errors = new DataFormatException[n];
        int[][] sizes = new int[n][];
        options.log().printf("Reading %d images of %d classes from %s (%dx%d %s, on %d cores)%n", n, classes.size(), dir,
                cols, rows, channels == 1 ? "grey" : "RGB", Runtime.getRuntime().availableProcessors());
        Progress progress = new Progress(options.log(), System.console() != null, n, "image");
        for (int from = 0; from < n; from += DECODE_CHUNK) {
            IntStream.range(from, Math.min(n, from + DECODE_CHUNK)).parallel().forEach(i -> {
                try {
                    ImageFiles.Decoded d = ImageFiles.read(files.get(i), rows, cols, channels);
                    System.arraycopy(d.pixels(), 0, pixels, i * size, size);
                    sizes[i] = new int[] {d.width(), d.height()};
                } catch (DataFormatException e) {
                    errors[i] = e;
                }
            });
            progress.update(Math.min(n, from + DECODE_CHUNK), "");
        }
        progress.done("");
        int kept = 0;
        byte[] labels = new byte[n];
        Map<String, Integer> otherSizes = new TreeMap<>();
        int resized = 0;
        for (int i = 0; i < n; i++) {
            if (errors[i] != null) {
                if (!options.skipBadImages()) {
                    throw new DataFormatException(errors[i].where(), errors[i].problem()
                            + " (skip such files with --skip-bad-images)");
                }
                options.log().println("warning: skipping " + errors[i].getMessage());
                continue;
            }
            if (sizes[i][0] != cols || sizes[i][1] != rows) {
                resized++;
                otherSizes.merge(sizes[i][0] + "x" + sizes[i][1], 1, Integer::sum);
            }
            if (kept != i) {
                System.arraycopy(pixels, i * size, pixels, kept * size, size);
            }
            labels[kept++] = (byte) (int) labelList.get(i);
        }
        if (kept == 0) {
            throw new DataFormatException(dir, "holds no image that could be read");
        }
        if (resized > 0) {
            options.log().println("note: " + resized + " of the " + kept + " images in " + dir + " are not " + cols + "x"
                    + rows + " (" + abbreviate(new ArrayList<>(otherSizes.keySet())) + "); they are resized to " + cols
                    + "x" + rows + " (bilinear)");
        }
        byte[] px = kept == n ? pixels : java.util.Arrays.copyOf(pixels, kept * size);
        byte[] lb = kept == n ? labels : java.util.Arrays.copyOf(labels, kept);
        ImageDataset images = ImageDataset.fromBytes(dir.toString(), rows, cols, channels, classes.size(), px, lb);
        Dataset data = needs.channelsLast() || channels == 1 ? images : images.channelsFirst();
        if (needs.vectors()) {
            return data;
        }
        return needs.binary() ? new BinaryTargets(data) : data;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 6 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 5)) + ", ... (" + names.size() + ")";
    }
}
