package dev.cnnc.runtime.data;

import dev.cnnc.runtime.io.ChunkedIo;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads files in the IDX format used by MNIST, raw or gzipped.
 *
 * <p>An IDX file starts with a 4-byte big-endian magic number: two zero bytes, a data-type byte and a
 * dimension-count byte. Then come that many big-endian int32 sizes, then the data in row-major order. Only the
 * unsigned-byte data type ({@code 0x08}) is supported, which is what MNIST uses. Gzipped files are recognised by
 * their first two bytes ({@code 0x1f 0x8b}), whatever their name.
 *
 * <p>Data are kept as {@code byte[]} (one byte per pixel or label) and never converted as a whole to floats.
 * Sizes in the header are checked against the actual amount of data before large arrays are allocated, so a
 * corrupt header that claims billions of items fails fast with a clear message instead of exhausting memory.
 *
 * <p>Every problem is reported as an {@link IdxFormatException} whose message names the file.
 */
public final class Idx {

    /** Magic number of an IDX images file: unsigned bytes, 3 dimensions (count, rows, cols). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX labels file: unsigned bytes, 1 dimension (count). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** The IDX data-type code for unsigned bytes, the only type supported. */
    public static final int UNSIGNED_BYTE = 0x08;
    /** The number of classes in MNIST: the digits 0 to 9. */
    public static final int MNIST_CLASSES = 10;

    /** The largest array length the JVM reliably allocates. */
    static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    /** First allocation when reading a gzipped body, whose real length is unknown until it has been read. */
    private static final int GZIP_INITIAL_CAPACITY = 1 << 20;

    private Idx() {
    }

    /**
     * The pixels of an IDX images file.
     *
     * @param file the file they were read from (used in messages)
     * @param count the number of images
     * @param rows the image height
     * @param cols the image width
     * @param pixels {@code count * rows * cols} unsigned bytes, image after image, each row-major; not copied
     */
    public record Images(Path file, int count, int rows, int cols, byte[] pixels) {
        /** Checks that the sizes are consistent with the pixel array. */
        public Images {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(pixels, "pixels");
            if (count < 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols != pixels.length) {
                throw new IllegalArgumentException("inconsistent image data: " + count + " images of " + rows + "x"
                        + cols + " need " + (long) count * rows * cols + " bytes, got " + pixels.length);
            }
        }
    }

    /**
     * The labels of an IDX labels file, each in {@code 0..numClasses-1}.
     *
     * @param file the file they were read from (used in messages)
     * @param numClasses the number of classes the labels were checked against
     * @param labels one unsigned byte per example; not copied
     */
    public record Labels(Path file, int numClasses, byte[] labels) {
        /**
         * Checks the arguments.
         *
         * @throws IllegalArgumentException if {@code numClasses} is not 1..256 or a label is out of range
         */
        public Labels {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(labels, "labels");
            checkNumClasses(numClasses);
            int bad = firstLabelOutOfRange(labels, numClasses);
            if (bad >= 0) {
                throw new IllegalArgumentException(file + ": label " + (labels[bad] & 0xFF) + " at index " + bad
                        + " is outside 0.." + (numClasses - 1));
            }
        }

        /** Returns the number of labels. */
        public int count() {
            return labels.length;
        }
    }

    /**
     * Reads an IDX images file (magic number {@code 0x00000803}: count, rows, cols).
     *
     * @param file a raw or gzipped IDX images file
     * @return the images
     * @throws IdxFormatException if the file is not a well-formed IDX images file
     * @throws IOException if the file cannot be read
     */
    public static Images readImages(Path file) throws IOException {
        Body body = read(file, Kind.IMAGES);
        int[] sizes = body.sizes();
        return new Images(file, sizes[0], sizes[1], sizes[2], body.data());
    }

    /**
     * Reads an IDX labels file (magic number {@code 0x00000801}) with MNIST's 10 classes.
     *
     * @see #readLabels(Path, int)
     */
    public static Labels readLabels(Path file) throws IOException {
        return readLabels(file, MNIST_CLASSES);
    }

    /**
     * Reads an IDX labels file (magic number {@code 0x00000801}: count) and checks every label lies in
     * {@code 0..numClasses-1}.
     *
     * @param file a raw or gzipped IDX labels file
     * @param numClasses the number of classes, 1 to 256
     * @return the labels
     * @throws IdxFormatException if the file is not a well-formed IDX labels file or holds a label out of range
     * @throws IOException if the file cannot be read
     */
    public static Labels readLabels(Path file, int numClasses) throws IOException {
        checkNumClasses(numClasses);
        byte[] labels = read(file, Kind.LABELS).data();
        checkLabelRange(file, labels, numClasses);
        return new Labels(file, numClasses, labels);
    }

    private static void checkNumClasses(int numClasses) {
        if (numClasses < 1 || numClasses > 256) {
            throw new IllegalArgumentException("numClasses must be 1..256 (labels are unsigned bytes), got "
                    + numClasses);
        }
    }

    private static void checkLabelRange(Path file, byte[] labels, int numClasses) throws IdxFormatException {
        int bad = firstLabelOutOfRange(labels, numClasses);
        if (bad >= 0) {
            throw new IdxFormatException(file, "label " + (labels[bad] & 0xFF) + " at index " + bad
                    + " is outside 0.." + (numClasses - 1) + " (the first bad label; " + numClasses
                    + " classes expected)");
        }
    }

    /** Returns the index of the first label not below {@code numClasses}, or -1 if all are in range. */
    static int firstLabelOutOfRange(byte[] labels, int numClasses) {
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xFF) >= numClasses) {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading

    /** The two kinds of IDX file this class reads. */
    private enum Kind {
        IMAGES(IMAGES_MAGIC, "images", new String[] {"count", "rows", "cols"}),
        LABELS(LABELS_MAGIC, "labels", new String[] {"count"});

        final int magic;
        final String noun;
        final String[] dimensionNames;

        Kind(int magic, String noun, String[] dimensionNames) {
            this.magic = magic;
            this.noun = noun;
            this.dimensionNames = dimensionNames;
        }

        int dimensions() {
            return dimensionNames.length;
        }

        int headerLength() {
            return 4 + 4 * dimensions();
        }

        Kind other() {
            return this == IMAGES ? LABELS : IMAGES;
        }

        /** Describes the data the header promises, e.g. "60000 images of 28x28". */
        String describe(int[] sizes) {
            return this == IMAGES ? sizes[0] + " images of " + sizes[1] + "x" + sizes[2] : sizes[0] + " labels";
        }
    }

    /** A parsed header together with the data that followed it. */
    private record Body(int[] sizes, byte[] data) {
    }

    private static Body read(Path file, Kind kind) throws IOException {
        Objects.requireNonNull(file, "file");
        if (Files.isDirectory(file)) {
            throw new IdxFormatException(file, "is a directory, not an IDX " + kind.noun + " file");
        }
        try (InputStream in = Streams.openMaybeGzip(file)) {
            boolean gzipped = in instanceof GZIPInputStream;
            int[] sizes = readHeader(in, file, kind);
            int expected = bodyLength(file, kind, sizes);
            if (!gzipped) {
                checkRawLength(file, kind, sizes, expected, Files.size(file) - kind.headerLength());
            }
            byte[] data = readFully(in, expected, gzipped ? GZIP_INITIAL_CAPACITY : expected);
            if (data.length < expected) {
                throw truncatedBody(file, kind, sizes, expected, data.length);
            }
            long extra = in.transferTo(OutputStream.nullOutputStream());
            if (extra > 0) {
                throw trailingBytes(file, kind, sizes, expected, extra);
            }
            return new Body(sizes, data);
        } catch (ZipException | EOFException e) {
            throw new IdxFormatException(file, "the gzip data is corrupt or truncated (" + e.getMessage() + ")", e);
        }
    }

    /** Reads the magic number and the sizes, checking each. */
    private static int[] readHeader(InputStream in, Path file, Kind kind) throws IOException {
        byte[] magicBytes = in.readNBytes(4);
        if (magicBytes.length < 4) {
            throw truncatedHeader(file, kind, magicBytes.length);
        }
        checkMagic(file, kind, ByteBuffer.wrap(magicBytes).getInt());
        byte[] sizeBytes = in.readNBytes(4 * kind.dimensions());
        if (sizeBytes.length < 4 * kind.dimensions()) {
            throw truncatedHeader(file, kind, 4 + sizeBytes.length);
        }
        ByteBuffer buffer = ByteBuffer.wrap(sizeBytes);
        int[] sizes = new int[kind.dimensions()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = buffer.getInt();
            checkSize(file, kind, i, sizes[i]);
        }
        return sizes;
    }

    private static void checkMagic(Path file, Kind kind, int magic) throws IdxFormatException {
        if (magic == kind.magic) {
            return;
        }
        String found = "wrong magic number " + hex(magic) + ", expected " + hex(kind.magic) + " for an IDX "
                + kind.noun + " file";
        if (magic == kind.other().magic) {
            throw new IdxFormatException(file, found + "; this looks like an IDX " + kind.other().noun
                    + " file: were the images and labels files swapped?");
        }
        if ((magic >>> 16) != 0) {
            throw new IdxFormatException(file, found + "; an IDX file starts with two zero bytes,"
                    + " so this is not an IDX file");
        }
        int type = (magic >>> 8) & 0xFF;
        if (type != UNSIGNED_BYTE) {
            throw new IdxFormatException(file, "unsupported IDX data type " + hex2(type) + " (" + typeName(type)
                    + ") in magic number " + hex(magic) + "; only " + hex2(UNSIGNED_BYTE)
                    + " (unsigned byte) is supported");
        }
        int dimensions = magic & 0xFF;
        throw new IdxFormatException(file, "wrong dimension count " + dimensions + " in magic number " + hex(magic)
                + ", expected " + kind.dimensions() + " (" + String.join(", ", kind.dimensionNames)
                + ") for an IDX " + kind.noun + " file");
    }

    private static void checkSize(Path file, Kind kind, int dimension, int size) throws IdxFormatException {
        String name = kind.dimensionNames[dimension];
        if (size < 0) {
            throw new IdxFormatException(file, "negative size " + size + " for dimension " + dimension + " ("
                    + name + ") in the header");
        }
        if (size == 0 && dimension > 0) {
            throw new IdxFormatException(file, "zero size for dimension " + dimension + " (" + name
                    + ") in the header; images must be at least 1x1");
        }
    }

    /** Returns the number of data bytes the header promises, rejecting more than one array can hold. */
    private static int bodyLength(Path file, Kind kind, int[] sizes) throws IdxFormatException {
        long length = 1;
        for (int size : sizes) {
            length *= size; // both factors are below 2^31, so the long cannot overflow
            if (length > MAX_ARRAY_LENGTH) {
                throw new IdxFormatException(file, "the header claims " + kind.describe(sizes)
                        + ", more than the " + MAX_ARRAY_LENGTH + " bytes one Java array can hold;"
                        + " the header is corrupt");
            }
        }
        return (int) length;
    }

    /** For an uncompressed file, compares the promised data length with the file's actual length. */
    private static void checkRawLength(Path file, Kind kind, int[] sizes, int expected, long available)
            throws IdxFormatException {
        if (available < expected) {
            throw truncatedBody(file, kind, sizes, expected, available);
        }
        if (available > expected) {
            throw trailingBytes(file, kind, sizes, expected, available - expected);
        }
    }

    /**
     * Reads up to {@code expected} bytes. The buffer starts at {@code initialCapacity} and doubles as data
     * arrive, so memory use is bounded by the data actually present, not by what a header claims.
     *
     * @return exactly the bytes read: an array of length {@code expected} unless the stream ended early
     */
    private static byte[] readFully(InputStream in, int expected, int initialCapacity) throws IOException {
        byte[] buffer = new byte[Math.min(expected, initialCapacity)];
        int filled = 0;
        while (filled < expected) {
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(expected, 2L * buffer.length));
            }
            int n = ChunkedIo.readFully(in, buffer, filled, buffer.length - filled);
            filled += n;
            if (filled < buffer.length) {
                break; // the stream ended
            }
        }
        return filled == buffer.length ? buffer : Arrays.copyOf(buffer, filled);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Messages

    private static IdxFormatException truncatedHeader(Path file, Kind kind, int found) {
        return new IdxFormatException(file, "truncated header: an IDX " + kind.noun + " header is "
                + kind.headerLength() + " bytes (magic number and " + kind.dimensions() + " sizes), but the data"
                + " end after " + found + " bytes");
    }

    private static IdxFormatException truncatedBody(Path file, Kind kind, int[] sizes, int expected, long found) {
        return new IdxFormatException(file, "truncated data: the header promises " + kind.describe(sizes) + " = "
                + expected + " bytes after the header, but only " + found + " bytes were found");
    }

    private static IdxFormatException trailingBytes(Path file, Kind kind, int[] sizes, int expected, long extra) {
        return new IdxFormatException(file, "extra trailing bytes: the header promises " + kind.describe(sizes)
                + " = " + expected + " bytes after the header, but " + extra + " more bytes follow them");
    }

    private static String hex(int value) {
        return String.format("0x%08X", value);
    }

    private static String hex2(int value) {
        return String.format("0x%02X", value);
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "16-bit integer";
            case 0x0C -> "32-bit integer";
            case 0x0D -> "32-bit float";
            case 0x0E -> "64-bit float";
            default -> "not an IDX type";
        };
    }
}
