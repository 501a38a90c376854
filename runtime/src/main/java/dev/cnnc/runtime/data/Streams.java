package dev.cnnc.runtime.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.zip.GZIPInputStream;

/** Small stream and file helpers shared by the data readers and sources (such as {@code data.mnist}). */
public final class Streams {

    /** Buffer size for file and gzip streams. */
    public static final int BUFFER_SIZE = 1 << 16;

    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private Streams() {
    }

    /**
     * Opens a file for reading, transparently decompressing it if it starts with the gzip magic bytes
     * {@code 0x1f 0x8b}. The file name is not looked at.
     *
     * @return a {@link GZIPInputStream} for gzipped content, else a buffered stream of the raw bytes
     */
    public static InputStream openMaybeGzip(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER_SIZE);
        try {
            return maybeGunzip(in);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Wraps {@code in} in a {@link GZIPInputStream} if its next two bytes are the gzip magic bytes, else returns
     * it unchanged. Nothing is consumed from {@code in} by the check.
     */
    public static InputStream maybeGunzip(BufferedInputStream in) throws IOException {
        return hasGzipMagic(in) ? new GZIPInputStream(in, BUFFER_SIZE) : in;
    }

    /** Tells whether the next two bytes of {@code in} are {@code 0x1f 0x8b}, without consuming them. */
    public static boolean hasGzipMagic(BufferedInputStream in) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == GZIP_MAGIC_0 && second == GZIP_MAGIC_1;
    }

    /** Deletes a file or a directory tree; does nothing if it does not exist. */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                deleteIfPresent(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                deleteIfPresent(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteIfPresent(Path path) throws IOException {
        try {
            Files.delete(path);
        } catch (NoSuchFileException e) {
            // Already gone: fine.
        }
    }
}
