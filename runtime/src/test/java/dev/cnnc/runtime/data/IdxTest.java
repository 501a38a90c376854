package dev.cnnc.runtime.data;

import static dev.cnnc.runtime.data.IdxFiles.concat;
import static dev.cnnc.runtime.data.IdxFiles.gzip;
import static dev.cnnc.runtime.data.IdxFiles.header;
import static dev.cnnc.runtime.data.IdxFiles.images;
import static dev.cnnc.runtime.data.IdxFiles.labels;
import static dev.cnnc.runtime.data.IdxFiles.pixels;
import static dev.cnnc.runtime.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    @TempDir
    Path dir;

    // ---------------------------------------------------------------------------------------------------------
    // Valid files

    @Test
    void readsRawImages() throws IOException {
        byte[] pixels = pixels(3, 2, 4);
        Path file = write(dir, "imgs", images(3, 2, 4, pixels));

        Idx.Images images = Idx.readImages(file);

        assertEquals(file, images.file());
        assertEquals(3, images.count());
        assertEquals(2, images.rows());
        assertEquals(4, images.cols());
        assertArrayEquals(pixels, images.pixels());
    }

    @Test
    void readsGzippedImagesDetectedByMagicBytesNotName() throws IOException {
        byte[] pixels = pixels(5, 3, 3);
        Path file = write(dir, "images-without-gz-suffix", gzip(images(5, 3, 3, pixels)));

        Idx.Images images = Idx.readImages(file);

        assertEquals(5, images.count());
        assertArrayEquals(pixels, images.pixels());
    }

    @Test
    void readsRawFileEvenIfNamedGz() throws IOException {
        byte[] pixels = pixels(2, 2, 2);
        Path file = write(dir, "images.gz", images(2, 2, 2, pixels));

        assertArrayEquals(pixels, Idx.readImages(file).pixels());
    }

    @Test
    void readsGzippedImagesLargerThanTheInitialBuffer() throws IOException {
        byte[] pixels = pixels(3000, 28, 28); // 2.35 MB: the gzip read buffer must grow twice
        Path file = write(dir, "big.gz", gzip(images(3000, 28, 28, pixels)));

        assertArrayEquals(pixels, Idx.readImages(file).pixels());
    }

    @Test
    void readsEmptyImagesFile() throws IOException {
        Idx.Images images = Idx.readImages(write(dir, "empty", images(0, 28, 28, new byte[0])));

        assertEquals(0, images.count());
        assertEquals(0, images.pixels().length);
    }

    @Test
    void readsRawAndGzippedLabels() throws IOException {
        byte[] expected = {3, 0, 9, 1, 1};
        Path raw = write(dir, "labels", labels(expected));
        Path gz = write(dir, "labels.gz", gzip(labels(expected)));

        Idx.Labels fromRaw = Idx.readLabels(raw);
        Idx.Labels fromGz = Idx.readLabels(gz);

        assertArrayEquals(expected, fromRaw.labels());
        assertArrayEquals(expected, fromGz.labels());
        assertEquals(5, fromRaw.count());
        assertEquals(Idx.MNIST_CLASSES, fromRaw.numClasses());
    }

    @Test
    void acceptsLabelsUpToACustomClassCount() throws IOException {
        Path file = write(dir, "labels", labels((byte) 0, (byte) 200, (byte) 255));

        Idx.Labels labels = Idx.readLabels(file, 256);

        assertEquals(256, labels.numClasses());
        assertEquals(255, labels.labels()[2] & 0xFF);
    }

    @Test
    void rejectsInvalidClassCount() {
        Path file = dir.resolve("unused");
        assertThrows(IllegalArgumentException.class, () -> Idx.readLabels(file, 0));
        assertThrows(IllegalArgumentException.class, () -> Idx.readLabels(file, 257));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Magic number, type and dimension count

    @Test
    void wrongMagicNumberNamesFoundAndExpected() throws IOException {
        Path file = write(dir, "archive.zip", concat(new byte[] {'P', 'K', 3, 4}, new byte[40]));

        IdxFormatException e = assertIdxError(file, () -> Idx.readImages(file),
                "wrong magic number 0x504B0304, expected 0x00000803", "not an IDX file");
        assertEquals(file, e.file());
    }

    @Test
    void labelsFilePassedAsImagesGetsASwapHint() throws IOException {
        Path file = write(dir, "train-labels-idx1-ubyte", labels((byte) 1, (byte) 2));

        assertIdxError(file, () -> Idx.readImages(file),
                "wrong magic number 0x00000801, expected 0x00000803", "looks like an IDX labels file", "swapped");
    }

    @Test
    void imagesFilePassedAsLabelsGetsASwapHint() throws IOException {
        Path file = write(dir, "train-images-idx3-ubyte", images(1, 1, 1, new byte[] {7}));

        assertIdxError(file, () -> Idx.readLabels(file),
                "wrong magic number 0x00000803, expected 0x00000801", "looks like an IDX images file", "swapped");
    }

    @Test
    void unsupportedDataTypeIsNamed() throws IOException {
        Path file = write(dir, "floats", concat(header(0x00000D03, 1, 1, 1), new byte[4]));

        assertIdxError(file, () -> Idx.readImages(file),
                "unsupported IDX data type 0x0D (32-bit float)", "only 0x08 (unsigned byte)");
    }

    @Test
    void wrongDimensionCountIsReported() throws IOException {
        Path file = write(dir, "matrix", concat(header(0x00000802, 2, 2), new byte[4]));

        assertIdxError(file, () -> Idx.readImages(file),
                "wrong dimension count 2", "expected 3 (count, rows, cols)");
    }

    @Test
    void wrongDimensionCountForLabels() throws IOException {
        Path file = write(dir, "labels3d", concat(header(0x00000803 + 1, 1, 1, 1, 1), new byte[1]));

        assertIdxError(file, () -> Idx.readLabels(file), "wrong dimension count 4", "expected 1 (count)");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Truncation and trailing data

    @Test
    void truncatedMagicNumber() throws IOException {
        Path file = write(dir, "tiny", new byte[] {0, 0});

        assertIdxError(file, () -> Idx.readImages(file), "truncated header", "16 bytes", "after 2 bytes");
    }

    @Test
    void emptyFileIsATruncatedHeader() throws IOException {
        Path file = write(dir, "empty", new byte[0]);

        assertIdxError(file, () -> Idx.readLabels(file), "truncated header", "8 bytes", "after 0 bytes");
    }

    @Test
    void truncatedSizes() throws IOException {
        byte[] full = header(Idx.IMAGES_MAGIC, 1, 2, 3);
        Path file = write(dir, "cut", Arrays.copyOf(full, 10));

        assertIdxError(file, () -> Idx.readImages(file), "truncated header", "16 bytes", "after 10 bytes");
    }

    @Test
    void truncatedRawBodySaysExpectedAndFound() throws IOException {
        Path file = write(dir, "short", concat(header(Idx.IMAGES_MAGIC, 4, 2, 2), new byte[10]));

        assertIdxError(file, () -> Idx.readImages(file),
                "truncated data", "4 images of 2x2 = 16 bytes", "only 10 bytes were found");
    }

    @Test
    void truncatedGzippedBodySaysExpectedAndFound() throws IOException {
        Path file = write(dir, "short.gz", gzip(concat(header(Idx.LABELS_MAGIC, 7), new byte[3])));

        assertIdxError(file, () -> Idx.readLabels(file),
                "truncated data", "7 labels = 7 bytes", "only 3 bytes were found");
    }

    @Test
    void trailingBytesInRawFile() throws IOException {
        Path file = write(dir, "long", concat(images(1, 2, 2, new byte[4]), new byte[5]));

        assertIdxError(file, () -> Idx.readImages(file), "extra trailing bytes", "1 images of 2x2 = 4 bytes",
                "5 more bytes");
    }

    @Test
    void trailingBytesInGzippedFile() throws IOException {
        Path file = write(dir, "long.gz", gzip(concat(labels((byte) 1, (byte) 2), new byte[3])));

        assertIdxError(file, () -> Idx.readLabels(file), "extra trailing bytes", "3 more bytes");
    }

    @Test
    void corruptGzipData() throws IOException {
        byte[] gz = gzip(labels(new byte[1000]));
        byte[] corrupt = Arrays.copyOf(gz, gz.length);
        for (int i = 10; i < corrupt.length - 8; i++) { // the deflate data after the 10-byte gzip header
            corrupt[i] = (byte) 0xFF;
        }
        Path file = write(dir, "corrupt.gz", corrupt);

        assertIdxError(file, () -> Idx.readLabels(file), "gzip data is corrupt or truncated");
    }

    @Test
    void truncatedGzipStream() throws IOException {
        byte[] gz = gzip(images(50, 5, 5, pixels(50, 5, 5)));
        Path file = write(dir, "cut.gz", Arrays.copyOf(gz, gz.length / 2));

        assertIdxError(file, () -> Idx.readImages(file), "gzip data is corrupt or truncated");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sizes

    @Test
    void negativeSize() throws IOException {
        Path file = write(dir, "negative", header(Idx.IMAGES_MAGIC, -1, 28, 28));

        assertIdxError(file, () -> Idx.readImages(file), "negative size -1 for dimension 0 (count)");
    }

    @Test
    void negativeColumnCount() throws IOException {
        Path file = write(dir, "negative", header(Idx.IMAGES_MAGIC, 1, 28, -28));

        assertIdxError(file, () -> Idx.readImages(file), "negative size -28 for dimension 2 (cols)");
    }

    @Test
    void zeroRows() throws IOException {
        Path file = write(dir, "flat", header(Idx.IMAGES_MAGIC, 1, 0, 28));

        assertIdxError(file, () -> Idx.readImages(file), "zero size for dimension 1 (rows)");
    }

    @Test
    void sizesBeyondOneArrayAreRejected() throws IOException {
        Path file = write(dir, "absurd", concat(header(Idx.IMAGES_MAGIC, 2_000_000_000, 28, 28), new byte[64]));

        assertIdxError(file, () -> Idx.readImages(file), "claims 2000000000 images of 28x28",
                "more than the 2147483639 bytes one Java array can hold");
    }

    @Test
    void hugeClaimInSmallRawFileFailsWithoutAllocatingIt() throws IOException {
        Path file = write(dir, "liar", concat(header(Idx.LABELS_MAGIC, 2_000_000_000), new byte[100]));

        long allocated = allocatedBytesDuring(() -> assertIdxError(file, () -> Idx.readLabels(file),
                "2000000000 labels = 2000000000 bytes", "only 100 bytes were found"));

        assertTrue(allocated < 16_000_000, "allocated " + allocated + " bytes for a 108-byte file");
    }

    @Test
    void hugeClaimInSmallGzippedFileFailsWithoutAllocatingIt() throws IOException {
        Path file = write(dir, "liar.gz", gzip(concat(header(Idx.LABELS_MAGIC, 2_000_000_000), new byte[100])));

        long allocated = allocatedBytesDuring(() -> assertIdxError(file, () -> Idx.readLabels(file),
                "2000000000 labels = 2000000000 bytes", "only 100 bytes were found"));

        assertTrue(allocated < 16_000_000, "allocated " + allocated + " bytes for a tiny gzipped file");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Label values

    @Test
    void labelOutOfRangeGivesFirstBadIndex() throws IOException {
        Path file = write(dir, "labels", labels((byte) 1, (byte) 9, (byte) 10, (byte) 3, (byte) 11));

        assertIdxError(file, () -> Idx.readLabels(file), "label 10 at index 2 is outside 0..9",
                "first bad label");
    }

    @Test
    void labelAbove127IsReadUnsigned() throws IOException {
        Path file = write(dir, "labels.gz", gzip(labels((byte) 0, (byte) 200)));

        assertIdxError(file, () -> Idx.readLabels(file), "label 200 at index 1 is outside 0..9");
    }

    @Test
    void labelRangeFollowsTheClassCount() throws IOException {
        Path file = write(dir, "labels", labels((byte) 0, (byte) 2, (byte) 3));

        assertIdxError(file, () -> Idx.readLabels(file, 3), "label 3 at index 2 is outside 0..2", "3 classes");
    }

    @Test
    void labelsRecordRejectsOutOfRangeLabels() {
        assertThrows(IllegalArgumentException.class,
                () -> new Idx.Labels(dir.resolve("x"), 2, new byte[] {0, 1, 2}));
    }

    @Test
    void imagesRecordRejectsInconsistentSizes() {
        assertThrows(IllegalArgumentException.class, () -> new Idx.Images(dir.resolve("x"), 2, 2, 2, new byte[7]));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    /** Asserts the call fails with an IdxFormatException naming the file and containing each fragment. */
    private static IdxFormatException assertIdxError(Path file, Executable call, String... fragments) {
        IdxFormatException e = assertThrows(IdxFormatException.class, call);
        String message = e.getMessage();
        assertTrue(message.startsWith(file + ": "), () -> "message does not start with the file: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "expected '" + fragment + "' in: " + message);
        }
        return e;
    }

    /** Measures the bytes the current thread allocates while running {@code action}. */
    private static long allocatedBytesDuring(Runnable action) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counting unsupported");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "allocation counting disabled");
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        action.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }
}
