package dev.cnnc.runtime.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Labelled images held in memory as bytes: any height, width and channel count, pixels scaled to
 * [0, 1] as {@code value / 255f} when copied, one class label per image. MNIST's IDX files load into
 * one ({@link #of}); tests and generated data use {@link #fromBytes}.
 *
 * <p>Pixels are one {@code byte[]} of {@code count * rows * cols * channels} unsigned bytes, image after
 * image, each row-major with the channels of a pixel together (channels-last, Keras' default);
 * {@link #channelsFirst()} gives a view that copies {@code (channels, rows, cols)} for channels-first
 * models. Labels are one {@code byte[]} of class indices in {@code 0..numClasses-1}.
 *
 * <p>Instances are immutable. {@link #slice}, {@link #subset} and {@link #split} return views that share the
 * arrays, so they cost no copying.
 */
public final class ImageDataset implements Dataset {

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
    private final int channels;
    private final int numClasses;
    private final boolean channelsFirst;

    private ImageDataset(String imagesName, String labelsName, byte[] pixels, byte[] labels, int first, int count,
            int rows, int cols, int channels, int numClasses, boolean channelsFirst) {
        this.imagesName = imagesName;
        this.labelsName = labelsName;
        this.pixels = pixels;
        this.labels = labels;
        this.first = first;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.channels = channels;
        this.numClasses = numClasses;
        this.channelsFirst = channelsFirst;
    }

    /**
     * Pairs an images file with a labels file (grey levels, one channel). The arrays are shared, not copied.
     *
     * @throws IdxFormatException if the two files hold different numbers of examples; the message names both
     */
    public static ImageDataset of(Idx.Images images, Idx.Labels labels) throws IdxFormatException {
        if (images.count() != labels.count()) {
            throw new IdxFormatException(labels.file(), "holds " + labels.count() + " labels but the images file "
                    + images.file() + " holds " + images.count() + " images; the two files do not belong together");
        }
        return new ImageDataset(fileName(images.file()), fileName(labels.file()), images.pixels(), labels.labels(), 0,
                images.count(), images.rows(), images.cols(), 1, labels.numClasses(), false);
    }

    /**
     * Grey-level images from arrays in memory; see {@link #fromBytes(String, int, int, int, int, byte[], byte[])}.
     */
    public static ImageDataset fromBytes(String name, int rows, int cols, int numClasses, byte[] pixels, byte[] labels) {
        return fromBytes(name, rows, cols, 1, numClasses, pixels, labels);
    }

    /**
     * Builds a data set from arrays in memory, for example for tests or generated data. The arrays are shared,
     * not copied, and must not be modified afterwards.
     *
     * @param name a name for messages, e.g. {@code "synthetic"}
     * @param rows the image height, at least 1
     * @param cols the image width, at least 1
     * @param channels values per pixel, at least 1 (3 for RGB)
     * @param numClasses the number of classes, 1 to 256
     * @param pixels {@code labels.length * rows * cols * channels} unsigned bytes, image after image, each
     *     row-major, channels last
     * @param labels one class index per example, each in {@code 0..numClasses-1}
     * @throws IllegalArgumentException if the sizes disagree or a label is out of range
     */
    public static ImageDataset fromBytes(String name, int rows, int cols, int channels, int numClasses, byte[] pixels,
            byte[] labels) {
        Objects.requireNonNull(name, "name");
        if (rows < 1 || cols < 1 || channels < 1) {
            throw new IllegalArgumentException(name + ": image size must be at least 1x1x1, got " + rows + "x" + cols
                    + "x" + channels);
        }
        long size = (long) rows * cols * channels;
        if ((long) labels.length * size != pixels.length) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels need "
                    + (long) labels.length * size + " pixel bytes for " + rows + "x" + cols
                    + (channels == 1 ? "" : "x" + channels) + " images, got " + pixels.length);
        }
        Idx.Labels checked = new Idx.Labels(Path.of(name), numClasses, labels);
        return new ImageDataset(name, name, pixels, checked.labels(), 0, labels.length, rows, cols, channels, numClasses,
                false);
    }

    private static String fileName(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Shape

    @Override
    public int count() {
        return count;
    }

    /** {@code {rows, cols, channels}}, or {@code {channels, rows, cols}} for a {@link #channelsFirst()} view. */
    @Override
    public int[] exampleShape() {
        return channelsFirst ? new int[] {channels, rows, cols} : new int[] {rows, cols, channels};
    }

    @Override
    public int exampleSize() {
        return imageSize();
    }

    /** {@code {numClasses}}: targets are copied one-hot. */
    @Override
    public int[] targetShape() {
        return new int[] {numClasses};
    }

    @Override
    public int targetSize() {
        return numClasses;
    }

    @Override
    public TargetKind targetKind() {
        return TargetKind.CLASSES;
    }

    /** Returns the image height. */
    public int rows() {
        return rows;
    }

    /** Returns the image width. */
    public int cols() {
        return cols;
    }

    /** Returns the number of channels per pixel (1 for grey levels, 3 for RGB). */
    public int channels() {
        return channels;
    }

    /** Whether {@link #copyInputs} writes channels first. */
    public boolean isChannelsFirst() {
        return channelsFirst;
    }

    /** Returns the number of values per image, {@code rows * cols * channels}. */
    public int imageSize() {
        return rows * cols * channels;
    }

    /** Returns the number of classes; every label lies in {@code 0..numClasses-1}. */
    @Override
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

    @Override
    public String name() {
        return imagesName;
    }

    @Override
    public String examplesName() {
        return "images";
    }

    /** Returns the class of example {@code index}. */
    @Override
    public int label(int index) {
        return labels[first + Objects.checkIndex(index, count)] & 0xFF;
    }

    /** Returns the raw value, 0 to 255, of channel 0 of one pixel of example {@code index}. */
    public int pixel(int index, int row, int col) {
        return pixel(index, row, col, 0);
    }

    /** Returns the raw value, 0 to 255, of one channel of one pixel of example {@code index}. */
    public int pixel(int index, int row, int col, int channel) {
        Objects.checkIndex(row, rows);
        Objects.checkIndex(col, cols);
        Objects.checkIndex(channel, channels);
        return pixels[(first + Objects.checkIndex(index, count)) * imageSize() + (row * cols + col) * channels + channel]
                & 0xFF;
    }

    /**
     * Checks that the images have a given shape, such as the one a source promises (MNIST's 28x28x1).
     *
     * @throws DataMismatchException if they do not, with a message such as
     *         {@code train-images-idx3-ubyte holds 20x20 images but the model expects 28x28x1}
     */
    public void checkImageShape(int rows, int cols, int channels) {
        if (rows != this.rows || cols != this.cols || channels != this.channels) {
            throw new DataMismatchException(imagesName + " holds " + this.rows + "x" + this.cols
                    + (this.channels == 1 ? "" : "x" + this.channels) + " images but the model expects " + rows + "x"
                    + cols + "x" + channels + " (the data have " + this.channels + " channel"
                    + (this.channels == 1 ? "" : "s") + ")", false);
        }
    }

    /** This data with {@link #copyInputs} writing {@code (channels, rows, cols)}, for channels-first models. */
    public ImageDataset channelsFirst() {
        return new ImageDataset(imagesName, labelsName, pixels, labels, first, count, rows, cols, channels, numClasses,
                true);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Batches

    /**
     * Writes the pixels of {@code count} examples, scaled to [0, 1] as {@code value / 255f}, into
     * {@code dest[0 .. count * imageSize())}, example after example, in the layout of {@link #exampleShape()}.
     * The examples are {@code indices[from .. from + count)}. Allocates nothing.
     *
     * @throws IndexOutOfBoundsException if the range does not fit {@code indices} or an index is not an example
     * @throws IllegalArgumentException if {@code dest} is too small
     */
    @Override
    public void copyInputs(int[] indices, int from, int count, float[] dest) {
        int size = imageSize();
        checkBatch(indices, from, count, dest.length, size, "image");
        int plane = rows * cols;
        for (int i = 0; i < count; i++) {
            int src = (first + example(indices, from + i)) * size;
            int dst = i * size;
            if (channelsFirst && channels > 1) {
                for (int c = 0; c < channels; c++) {
                    for (int p = 0; p < plane; p++) {
                        dest[dst + c * plane + p] = SCALE[pixels[src + p * channels + c] & 0xFF];
                    }
                }
            } else {
                for (int p = 0; p < size; p++) {
                    dest[dst + p] = SCALE[pixels[src + p] & 0xFF];
                }
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
    @Override
    public void copyTargets(int[] indices, int from, int count, float[] dest) {
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

    @Override
    public ImageDataset subset(int n) {
        return (ImageDataset) Dataset.super.subset(n);
    }

    @Override
    public ImageDataset slice(int from, int n) {
        Objects.checkFromIndexSize(from, n, count);
        return new ImageDataset(imagesName, labelsName, pixels, labels, first + from, n, rows, cols, channels,
                numClasses, channelsFirst);
    }

    /** Returns e.g. {@code train-images-idx3-ubyte: 60000 images of 28x28, 10 classes}. */
    @Override
    public String describe() {
        return imagesName + ": " + count + " images of " + rows + "x" + cols + (channels == 1 ? "" : "x" + channels)
                + ", " + numClasses + " classes";
    }

    @Override
    public String toString() {
        return describe();
    }
}
