package dev.cnnc.runtime.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A labelled set of single-channel images held in memory as bytes, ready to fill training batches.
 *
 * <p>Pixels are stored as one {@code byte[]} of {@code count * rows * cols} unsigned bytes (image after image,
 * each row-major) and labels as one {@code byte[]} of class indices in {@code 0..numClasses-1}. The batch methods
 * ({@link #copyImages}, {@link #copyOneHotLabels}, {@link #copyLabels}) convert on the fly into buffers the
 * caller owns and allocate nothing, so a training loop can reuse one buffer for every batch.
 *
 * <p>Instances are immutable. {@link #subset} and {@link #split} return views that share the arrays, so they
 * cost no copying.
 */
public final class Dataset {

    /** {@code SCALE[v] == v / 255f}: maps an unsigned pixel byte to [0, 1]. */
    private static final float[] SCALE = new float[256];

    static {
        for (int v = 0; v < SCALE.length; v++) {
            SCALE[v] = v / 255f;
        }
    }

    private final String imagesName;
    private final String labelsName;
    private final byte[] pixels;
    private final byte[] labels;
    private final int first;
    private final int count;
    private final int rows;
    private final int cols;
    private final int numClasses;

    private Dataset(String imagesName, String labelsName, byte[] pixels, byte[] labels, int first, int count,
            int rows, int cols, int numClasses) {
        this.imagesName = imagesName;
        this.labelsName = labelsName;
        this.pixels = pixels;
        this.labels = labels;
        this.first = first;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.numClasses = numClasses;
    }

    /**
     * Pairs an images file with a labels file. The arrays are shared, not copied.
     *
     * @throws IdxFormatException if the two files hold different numbers of examples; the message names both
     */
    public static Dataset of(Idx.Images images, Idx.Labels labels) throws IdxFormatException {
        if (images.count() != labels.count()) {
            throw new IdxFormatException(labels.file(), "holds " + labels.count() + " labels but the images file "
                    + images.file() + " holds " + images.count() + " images; the two files do not belong together");
        }
        return new Dataset(fileName(images.file()), fileName(labels.file()), images.pixels(), labels.labels(), 0,
                images.count(), images.rows(), images.cols(), labels.numClasses());
    }

    /**
     * Builds a data set from arrays in memory, for example for tests or generated data. The arrays are shared,
     * not copied, and must not be modified afterwards.
     *
     * @param name a name for messages, e.g. {@code "synthetic"}
     * @param rows the image height, at least 1
     * @param cols the image width, at least 1
     * @param numClasses the number of classes, 1 to 256
     * @param pixels {@code labels.length * rows * cols} unsigned bytes, image after image, each row-major
     * @param labels one class index per example, each in {@code 0..numClasses-1}
     * @throws IllegalArgumentException if the sizes disagree or a label is out of range
     */
    public static Dataset fromBytes(String name, int rows, int cols, int numClasses, byte[] pixels, byte[] labels) {
        Objects.requireNonNull(name, "name");
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(name + ": image size must be at least 1x1, got " + rows + "x" + cols);
        }
        if ((long) labels.length * rows * cols != pixels.length) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels need "
                    + (long) labels.length * rows * cols + " pixel bytes for " + rows + "x" + cols
                    + " images, got " + pixels.length);
        }
        Idx.Labels checked = new Idx.Labels(Path.of(name), numClasses, labels);
        return new Dataset(name, name, pixels, checked.labels(), 0, labels.length, rows, cols, numClasses);
    }

    private static String fileName(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Shape

    /** Returns the number of examples. */
    public int count() {
        return count;
    }

    /** Returns the image height. */
    public int rows() {
        return rows;
    }

    /** Returns the image width. */
    public int cols() {
        return cols;
    }

    /** Returns the number of channels per pixel: always 1 (grey levels). */
    public int channels() {
        return 1;
    }

    /** Returns the number of values per image, {@code rows * cols}. */
    public int imageSize() {
        return rows * cols;
    }

    /** Returns the number of classes; every label lies in {@code 0..numClasses-1}. */
    public int numClasses() {
        return numClasses;
    }

    /** Returns the name of the images source, e.g. {@code train-images-idx3-ubyte}, for messages. */
    public String imagesName() {
        return imagesName;
    }

    /** Returns the name of the labels source, e.g. {@code train-labels-idx1-ubyte}, for messages. */
    public String labelsName() {
        return labelsName;
    }

    /** Returns the class of example {@code index}. */
    public int label(int index) {
        return labels[first + Objects.checkIndex(index, count)] & 0xFF;
    }

    /** Returns the raw grey level, 0 to 255, of one pixel of example {@code index}. */
    public int pixel(int index, int row, int col) {
        Objects.checkIndex(row, rows);
        Objects.checkIndex(col, cols);
        return pixels[(first + Objects.checkIndex(index, count)) * imageSize() + row * cols + col] & 0xFF;
    }

    /**
     * Checks that the images have the shape a model expects as input.
     *
     * @throws IllegalArgumentException if they do not, with a message such as
     *         {@code train-images-idx3-ubyte holds 28x28 images but the model expects 32x32x3}
     */
    public void checkImageShape(int rows, int cols, int channels) {
        if (rows != this.rows || cols != this.cols || channels != channels()) {
            throw new IllegalArgumentException(imagesName + " holds " + this.rows + "x" + this.cols
                    + " images but the model expects " + rows + "x" + cols + "x" + channels
                    + " (the data have " + channels() + " channel)");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Batches

    /**
     * Writes the pixels of {@code count} examples, scaled to [0, 1] as {@code value / 255f}, into
     * {@code dest[0 .. count * imageSize())}, example after example, each row-major. The examples are
     * {@code indices[from .. from + count)}. Allocates nothing.
     *
     * @throws IndexOutOfBoundsException if the range does not fit {@code indices} or an index is not an example
     * @throws IllegalArgumentException if {@code dest} is too small
     */
    public void copyImages(int[] indices, int from, int count, float[] dest) {
        int size = imageSize();
        checkBatch(indices, from, count, dest.length, size, "image");
        for (int i = 0; i < count; i++) {
            int src = (first + example(indices, from + i)) * size;
            int dst = i * size;
            for (int p = 0; p < size; p++) {
                dest[dst + p] = SCALE[pixels[src + p] & 0xFF];
            }
        }
    }

    /**
     * Writes the labels of {@code indices[from .. from + count)} one-hot into
     * {@code dest[0 .. count * numClasses())}: for each example, {@code 1f} at its class and {@code 0f}
     * elsewhere. Allocates nothing.
     *
     * @throws IndexOutOfBoundsException if the range does not fit {@code indices} or an index is not an example
     * @throws IllegalArgumentException if {@code dest} is too small
     */
    public void copyOneHotLabels(int[] indices, int from, int count, float[] dest) {
        checkBatch(indices, from, count, dest.length, numClasses, "one-hot label");
        Arrays.fill(dest, 0, count * numClasses, 0f);
        for (int i = 0; i < count; i++) {
            dest[i * numClasses + (labels[first + example(indices, from + i)] & 0xFF)] = 1f;
        }
    }

    /**
     * Writes the class indices of {@code indices[from .. from + count)} into {@code dest[0 .. count)}
     * (sparse labels). Allocates nothing.
     *
     * @throws IndexOutOfBoundsException if the range does not fit {@code indices} or an index is not an example
     * @throws IllegalArgumentException if {@code dest} is too small
     */
    public void copyLabels(int[] indices, int from, int count, int[] dest) {
        checkBatch(indices, from, count, dest.length, 1, "label");
        for (int i = 0; i < count; i++) {
            dest[i] = labels[first + example(indices, from + i)] & 0xFF;
        }
    }

    private void checkBatch(int[] indices, int from, int count, int destLength, int valuesPerExample,
            String what) {
        Objects.checkFromIndexSize(from, count, indices.length);
        if ((long) count * valuesPerExample > destLength) {
            throw new IllegalArgumentException("batch buffer too small: " + count + " examples need "
                    + (long) count * valuesPerExample + " " + what + " values, the buffer holds " + destLength);
        }
    }

    /** Returns {@code indices[position]}, checked to be a valid example index. */
    private int example(int[] indices, int position) {
        int index = indices[position];
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("example index " + index + " at position " + position
                    + " is outside 0.." + (count - 1) + " (" + imagesName + " view of " + count + " examples)");
        }
        return index;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Views

    /**
     * Returns the first {@code n} examples, sharing this data set's arrays.
     *
     * @throws IllegalArgumentException if {@code n} is negative or larger than {@link #count()}
     */
    public Dataset subset(int n) {
        if (n < 0 || n > count) {
            throw new IllegalArgumentException("cannot take the first " + n + " examples of " + imagesName
                    + ", which holds " + count);
        }
        return view(0, n);
    }

    /**
     * A split into training and validation examples.
     *
     * @param train the first examples
     * @param validation the last examples
     */
    public record Split(Dataset train, Dataset validation) {
    }

    /**
     * Splits off the last {@code validationFraction} of the examples as a validation set, like Keras'
     * {@code validation_split}: the split point is {@code floor(count * (1 - validationFraction))}, taken before
     * any shuffling, and both parts share this data set's arrays.
     *
     * @param validationFraction the fraction for validation, strictly between 0 and 1
     * @throws IllegalArgumentException if the fraction is out of range or leaves either part empty
     */
    public Split split(double validationFraction) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be strictly between 0 and 1, got "
                    + validationFraction);
        }
        int splitAt = (int) Math.floor(count * (1.0 - validationFraction));
        if (splitAt == 0 || splitAt == count) {
            throw new IllegalArgumentException(imagesName + " holds " + count + " examples, which is not enough to"
                    + " split off a validation fraction of " + validationFraction + " and keep both parts non-empty;"
                    + " provide more data or a different fraction");
        }
        return new Split(view(0, splitAt), view(splitAt, count - splitAt));
    }

    private Dataset view(int offset, int n) {
        return new Dataset(imagesName, labelsName, pixels, labels, first + offset, n, rows, cols, numClasses);
    }

    /** Returns e.g. {@code train-images-idx3-ubyte: 60000 images of 28x28, 10 classes}. */
    @Override
    public String toString() {
        return imagesName + ": " + count + " images of " + rows + "x" + cols + ", " + numClasses + " classes";
    }
}
