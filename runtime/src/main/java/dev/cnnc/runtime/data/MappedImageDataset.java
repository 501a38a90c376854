package dev.cnnc.runtime.data;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Labelled images whose pixels live in a file mapped into memory ({@link ImageCache}), not on the heap: the
 * same values as an {@link ImageDataset} of the same bytes ({@code value / 255f}, channels last, or first in a
 * {@link #channelsFirst()} view), read from the page cache, so a data set larger than the heap trains. The
 * labels are on the heap (one byte per image).
 *
 * <p>The file is mapped in segments of at most 1 GiB holding whole images ({@code perSegment} each), since one
 * {@link ByteBuffer} spans at most 2 GiB. Reads are absolute ({@link ByteBuffer#get(int, byte[], int, int)}) into
 * one image's bytes per thread, allocated on the thread's first copy; after that copying allocates nothing, and
 * views share the buffers across threads.
 */
public final class MappedImageDataset implements Dataset {
    private static final float[] SCALE = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            SCALE[v] = v / 255f;
        }
    }

    private final String name;
    private final ByteBuffer[] segments;
    private final int perSegment;
    private final byte[] labels;
    private final int first;
    private final int count;
    private final int rows;
    private final int cols;
    private final int channels;
    private final int numClasses;
    private final boolean channelsFirst;
    /** One image's bytes per thread, allocated on a thread's first copy and reused. */
    private final ThreadLocal<byte[]> scratch;

    MappedImageDataset(String name, ByteBuffer[] segments, int perSegment, byte[] labels, int first, int count, int rows,
            int cols, int channels, int numClasses, boolean channelsFirst) {
        this.name = name;
        this.segments = segments;
        this.perSegment = perSegment;
        this.labels = labels;
        this.first = first;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.channels = channels;
        this.numClasses = numClasses;
        this.channelsFirst = channelsFirst;
        int size = rows * cols * channels;
        this.scratch = ThreadLocal.withInitial(() -> new byte[size]);
    }

    /** This data with {@link #copyInputs} writing {@code (channels, rows, cols)}. */
    public MappedImageDataset channelsFirst() {
        return new MappedImageDataset(name, segments, perSegment, labels, first, count, rows, cols, channels, numClasses,
                true);
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public int[] exampleShape() {
        return channelsFirst ? new int[] {channels, rows, cols} : new int[] {rows, cols, channels};
    }

    @Override
    public int exampleSize() {
        return rows * cols * channels;
    }

    @Override
    public int[] targetShape() {
        return new int[] {numClasses};
    }

    @Override
    public int targetSize() {
        return numClasses;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public TargetKind targetKind() {
        return TargetKind.CLASSES;
    }

    @Override
    public void copyInputs(int[] order, int from, int n, float[] dest) {
        int size = exampleSize();
        check(order, from, n, dest.length, size);
        int plane = rows * cols;
        for (int i = 0; i < n; i++) {
            int image = first + example(order, from + i);
            ByteBuffer segment = segments[image / perSegment];
            int src = (image % perSegment) * size;
            int dst = i * size;
            if (channelsFirst && channels > 1) {
                for (int c = 0; c < channels; c++) {
                    for (int p = 0; p < plane; p++) {
                        dest[dst + c * plane + p] = SCALE[segment.get(src + p * channels + c) & 0xFF];
                    }
                }
            } else {
                byte[] bytes = scratch.get();
                segment.get(src, bytes, 0, size); // absolute bulk get: no shared position, safe across threads
                for (int p = 0; p < size; p++) {
                    dest[dst + p] = SCALE[bytes[p] & 0xFF];
                }
            }
        }
    }

    @Override
    public void copyTargets(int[] order, int from, int n, float[] dest) {
        check(order, from, n, dest.length, numClasses);
        Arrays.fill(dest, 0, n * numClasses, 0f);
        for (int i = 0; i < n; i++) {
            dest[i * numClasses + (labels[first + example(order, from + i)] & 0xFF)] = 1f;
        }
    }

    @Override
    public int label(int index) {
        return labels[first + Objects.checkIndex(index, count)] & 0xFF;
    }

    @Override
    public MappedImageDataset slice(int from, int n) {
        Objects.checkFromIndexSize(from, n, count);
        return new MappedImageDataset(name, segments, perSegment, labels, first + from, n, rows, cols, channels,
                numClasses, channelsFirst);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String examplesName() {
        return "images";
    }

    @Override
    public String describe() {
        return name + ": " + count + " images of " + rows + "x" + cols + (channels == 1 ? "" : "x" + channels) + ", "
                + numClasses + " classes (decoded, memory-mapped)";
    }

    @Override
    public String toString() {
        return describe();
    }

    private static void check(int[] order, int from, int n, int length, int per) {
        Objects.checkFromIndexSize(from, n, order.length);
        if ((long) n * per > length) {
            throw new IllegalArgumentException("batch buffer too small: " + n + " examples need " + (long) n * per
                    + " values, the buffer holds " + length);
        }
    }

    private int example(int[] order, int position) {
        int index = order[position];
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("example index " + index + " at position " + position
                    + " is outside 0.." + (count - 1) + " (" + name + ")");
        }
        return index;
    }
}
