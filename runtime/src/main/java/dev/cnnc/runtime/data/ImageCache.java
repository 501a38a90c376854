package dev.cnnc.runtime.data;

import dev.cnnc.runtime.Progress;
import dev.cnnc.runtime.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Decoded images on disk, for image folders larger than the heap: the folder is decoded once, chunk by chunk,
 * into a compact cache file of bytes (the model's size and channels), and batches are then read from it through
 * memory-mapped buffers, so the heap holds only the labels. A cache is reused while its source has not changed
 * and rebuilt otherwise.
 *
 * <p><b>When the source has changed.</b> The cache's name is a SHA-256 over the format version, the model's
 * image size and channels, the class names and, for every image in load order, its path, size and
 * modification time; a changed, added, removed or renamed image gives another name, so it is rebuilt (a stale
 * cache is never read). Contents are not hashed: reading every byte would cost as much as decoding.
 *
 * <p><b>Atomicity.</b> A cache is written to a temporary file beside it and renamed into place
 * ({@link AtomicFiles#move}), so a crash leaves no half-written cache under the real name.
 *
 * <p><b>Layout</b> (big-endian): {@code "CNNCIMG1"}, count, rows, cols, channels, classes (int32 each), the
 * 32-byte key, then {@code count * rows * cols * channels} pixel bytes, then {@code count} label bytes.
 */
public final class ImageCache {
    /** When image folders are decoded into a cache. */
    public enum Mode {
        /** When the decoded images would take more than a quarter of the maximum heap. */
        AUTO,
        /** Always. */
        ALWAYS,
        /** Never: in memory. */
        NEVER
    }

    private static final byte[] MAGIC = "CNNCIMG1".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 8 + 5 * 4 + 32;
    /** Images decoded per parallel chunk while building. */
    private static final int CHUNK = 256;

    private ImageCache() {}

    /** The default cache folder, {@code ~/.cnnc/cache/images}. */
    public static Path defaultDir() {
        return Path.of(System.getProperty("user.home"), ".cnnc", "cache", "images");
    }

    /** Whether {@code mode} asks for a cache for {@code bytes} of decoded images. */
    static boolean wanted(Mode mode, long bytes) {
        return mode == Mode.ALWAYS || mode == Mode.AUTO && bytes > Runtime.getRuntime().maxMemory() / 4;
    }

    /**
     * The images {@code files} with class {@code labels}, from their cache in {@code cacheDir}, decoding them into
     * it first if it is missing or stale.
     */
    static MappedImageDataset load(Path dir, List<Path> files, byte[] labels, List<String> classes, int rows, int cols,
            int channels, DataSource.Options options) throws IOException {
        byte[] key = key(files, classes, rows, cols, channels);
        Path cacheDir = options.cacheDir();
        Path cache = cacheDir.resolve(HexFormat.of().formatHex(key, 0, 12) + ".cnni");
        PrintStream log = options.log();
        if (Files.isRegularFile(cache)) {
            MappedImageDataset mapped = open(cache, key, dir.toString());
            if (mapped != null) {
                log.println("Using the decoded images in " + cache + " (" + mapped.count() + " images of " + dir + ")");
                return mapped;
            }
        }
        log.println("Decoding " + files.size() + " images of " + dir + " into the cache " + cache);
        Files.createDirectories(cacheDir);
        Path temp = Files.createTempFile(cacheDir, "." + cache.getFileName() + ".", ".tmp");
        try {
            build(temp, key, files, labels, classes.size(), rows, cols, channels, options);
            AtomicFiles.move(temp, cache);
        } finally {
            Files.deleteIfExists(temp);
        }
        MappedImageDataset mapped = open(cache, key, dir.toString());
        if (mapped == null) {
            throw new IOException(cache + ": the cache just written cannot be read back");
        }
        return mapped;
    }

    private static void build(Path temp, byte[] key, List<Path> files, byte[] labels, int classes, int rows, int cols,
            int channels, DataSource.Options options) throws IOException {
        int size = rows * cols * channels;
        int n = files.size();
        ByteArrayList kept = new ByteArrayList(n);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.position(HEADER);
            byte[] chunk = new byte[CHUNK * size];
            DataFormatException[] errors = new DataFormatException[CHUNK];
            Progress progress = new Progress(options.log(), System.console() != null, n, "image");
            for (int from = 0; from < n; from += CHUNK) {
                int m = Math.min(CHUNK, n - from);
                int start = from;
                Arrays.fill(errors, null);
                IntStream.range(0, m).parallel().forEach(i -> {
                    try {
                        byte[] px = ImageFiles.read(files.get(start + i), rows, cols, channels).pixels();
                        System.arraycopy(px, 0, chunk, i * size, size);
                    } catch (DataFormatException e) {
                        errors[i] = e;
                    }
                });
                for (int i = 0; i < m; i++) {
                    if (errors[i] != null) {
                        if (!options.skipBadImages()) {
                            throw new DataFormatException(errors[i].where(), errors[i].problem()
                                    + " (skip such files with --skip-bad-images)");
                        }
                        options.log().println("warning: skipping " + errors[i].getMessage());
                        continue;
                    }
                    out.write(ByteBuffer.wrap(chunk, i * size, size));
                    kept.add(labels[start + i]);
                }
                progress.update(from + m, "");
            }
            progress.done("");
            if (kept.size == 0) {
                throw new DataFormatException(files.get(0).getParent().getParent(), "holds no image that could be read");
            }
            out.write(ByteBuffer.wrap(kept.bytes, 0, kept.size));
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            header.put(MAGIC).putInt(kept.size).putInt(rows).putInt(cols).putInt(channels).putInt(classes).put(key).flip();
            out.write(header, 0);
            out.force(true);
        }
    }

    /** Maps a cache file; null if it is not a complete cache with this key. */
    private static MappedImageDataset open(Path cache, byte[] key, String name) throws IOException {
        try (FileChannel ch = FileChannel.open(cache, StandardOpenOption.READ)) {
            long length = ch.size();
            if (length < HEADER) {
                return null;
            }
            ByteBuffer h = ByteBuffer.allocate(HEADER);
            ch.read(h, 0);
            h.flip();
            byte[] magic = new byte[8];
            h.get(magic);
            int count = h.getInt();
            int rows = h.getInt();
            int cols = h.getInt();
            int channels = h.getInt();
            int classes = h.getInt();
            byte[] stored = new byte[32];
            h.get(stored);
            long size = (long) rows * cols * channels;
            if (!Arrays.equals(magic, MAGIC) || !Arrays.equals(stored, key) || count < 1 || size < 1
                    || length != HEADER + count * size + count) {
                return null;
            }
            ByteBuffer labelBuffer = ByteBuffer.allocate(count);
            ch.read(labelBuffer, HEADER + count * size);
            byte[] labels = labelBuffer.array();
            int perSegment = (int) Math.max(1, (1L << 30) / size);
            List<MappedByteBuffer> segments = new ArrayList<>();
            for (long first = 0; first < count; first += perSegment) {
                long images = Math.min(perSegment, count - first);
                segments.add(ch.map(FileChannel.MapMode.READ_ONLY, HEADER + first * size, images * size));
            }
            return new MappedImageDataset(name, segments.toArray(new ByteBuffer[0]), perSegment, labels, 0, count,
                    rows, cols, channels, classes, false);
        }
    }

    private static byte[] key(List<Path> files, List<String> classes, int rows, int cols, int channels)
            throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.BIG_ENDIAN);
        b.put(MAGIC).putInt(rows).putInt(cols).putInt(channels);
        md.update(b.array(), 0, b.position());
        md.update(String.join("\n", classes).getBytes(StandardCharsets.UTF_8));
        for (Path f : files) {
            md.update(f.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            ByteBuffer meta = ByteBuffer.allocate(16);
            meta.putLong(Files.size(f)).putLong(Files.getLastModifiedTime(f).toMillis());
            md.update(meta.array());
        }
        return md.digest();
    }

    private static final class ByteArrayList {
        byte[] bytes;
        int size;

        ByteArrayList(int capacity) {
            bytes = new byte[Math.max(1, capacity)];
        }

        void add(byte b) {
            bytes[size++] = b;
        }
    }
}
