package dev.cnnc.runtime.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that a crash at any moment leaves either the old content or the new one: write
 * a temporary file beside it, flush it to disk, rename it over the target, flush the directory.
 *
 * <p>The one place for "write beside, then rename": weights and checkpoints ({@link #write}), text
 * such as generated sources or a build's status file ({@link #writeString}), and files finished
 * elsewhere, such as a download verified in a staging directory ({@link #move}). Depends on the JDK
 * only, so the compiler and the Maven plugin can use it too.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Replaces {@code target} with {@code content}.
     *
     * @throws IOException naming the file and the reason; the previous file is then untouched
     */
    public static void write(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            removeLeftovers(dir, target.getFileName().toString());
            temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ChunkedIo.write(ch, content);
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof java.nio.file.AccessDeniedException) {
                reason = "permission denied (" + reason + ")";
            }
            throw new IOException("cannot write " + target + ": " + reason
                    + (Files.exists(target) ? "; the previous file is intact" : ""), e);
        } finally {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Replaces {@code target} with {@code text} in UTF-8; see {@link #write}. */
    public static void writeString(Path target, CharSequence text) throws IOException {
        write(target, text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Moves a finished file over {@code target} with an atomic rename, then flushes the directory. If the two are
     * on different file systems (a cache directory that is a mount point or a link elsewhere), copies
     * {@code source} to a temporary file beside the target first, flushes it to disk and renames that; the source
     * is then deleted. A crash leaves either the previous target or the complete new one.
     *
     * @param source a complete file the caller has written (and, if it matters, flushed)
     * @throws IOException naming the target and the reason; the previous target is then intact
     */
    public static void move(Path source, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            try {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
                try {
                    Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
                    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(temp);
                }
                Files.delete(source);
            }
            syncDirectory(dir);
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IOException("cannot move " + source + " to " + target + ": " + reason, e);
        }
    }

    /** Temporary files of earlier writes of the same target that a crash left behind. */
    private static void removeLeftovers(Path dir, String name) throws IOException {
        try (java.nio.file.DirectoryStream<Path> old = Files.newDirectoryStream(dir, "." + name + ".*.tmp")) {
            for (Path p : old) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some file systems cannot sync a directory; the rename itself was atomic.
        }
    }
}
