package dev.cnnc.runtime.data;

import dev.cnnc.runtime.data.mnist.Mnist;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX files (valid, or deliberately broken) for tests. */
public final class IdxFiles {

    private IdxFiles() {
    }

    /** Returns an IDX header: the 4-byte magic number followed by each size as a big-endian int32. */
    public static byte[] header(int magic, int... sizes) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * sizes.length);
        buffer.putInt(magic);
        for (int size : sizes) {
            buffer.putInt(size);
        }
        return buffer.array();
    }

    /** Returns a complete images file: a valid header for {@code count x rows x cols} and the pixels. */
    public static byte[] images(int count, int rows, int cols, byte[] pixels) {
        return concat(header(Idx.IMAGES_MAGIC, count, rows, cols), pixels);
    }

    /** Returns a complete labels file. */
    public static byte[] labels(byte... labels) {
        return concat(header(Idx.LABELS_MAGIC, labels.length), labels);
    }

    /** Returns {@code count * rows * cols} distinct-ish pixel bytes covering 0 and 255. */
    public static byte[] pixels(int count, int rows, int cols) {
        byte[] pixels = new byte[count * rows * cols];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 37 + count);
        }
        pixels[0] = 0;
        pixels[pixels.length - 1] = (byte) 255;
        return pixels;
    }

    /** Returns labels 0, 1, 2, ... modulo 10. */
    public static byte[] labelSequence(int count) {
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % 10);
        }
        return labels;
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    public static Path write(Path dir, String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    /**
     * Writes the four MNIST files with tiny 2x3 images into {@code dir}: {@code trainCount} training and
     * {@code testCount} test examples, gzipped (with a .gz suffix) if asked.
     */
    public static Path writeMnistDir(Path dir, int trainCount, int testCount, boolean gzipped) throws IOException {
        Files.createDirectories(dir);
        writeFile(dir, Mnist.TRAIN_IMAGES, images(trainCount, 2, 3, pixels(trainCount, 2, 3)), gzipped);
        writeFile(dir, Mnist.TRAIN_LABELS, labels(labelSequence(trainCount)), gzipped);
        writeFile(dir, Mnist.TEST_IMAGES, images(testCount, 2, 3, pixels(testCount, 2, 3)), gzipped);
        writeFile(dir, Mnist.TEST_LABELS, labels(labelSequence(testCount)), gzipped);
        return dir;
    }

    private static void writeFile(Path dir, String name, byte[] content, boolean gzipped) throws IOException {
        if (gzipped) {
            write(dir, name + ".gz", gzip(content));
        } else {
            write(dir, name, content);
        }
    }
}
