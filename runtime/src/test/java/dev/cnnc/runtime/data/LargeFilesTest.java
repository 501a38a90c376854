package dev.cnnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.io.AtomicFiles;
import dev.cnnc.runtime.io.ChunkedIo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readers and writers of large files use them in pieces: a file channel's stream reads a heap array through a temporary
 * direct buffer as large as each request, and the JDK keeps that buffer for the thread (MNIST's training images
 * read in one request held 45 MB of native memory until the process ended).
 */
class LargeFilesTest {

    private static final int LARGE = 24 << 20;

    @TempDir
    Path dir;

    @Test
    void readingALargeIdxFileLeavesNoNativeBufferOfItsSize() throws Exception {
        int count = LARGE / (28 * 28);
        byte[] pixels = IdxFiles.pixels(count, 28, 28);
        Path file = IdxFiles.write(dir, "images", IdxFiles.images(count, 28, 28, pixels));

        long grown = directMemoryGrowthOnAFreshThread(() -> assertArrayEquals(pixels, Idx.readImages(file).pixels()));

        assertSmall(grown);
    }

    @Test
    void readingALargeNpyFileLeavesNoNativeBufferOfItsSize() throws Exception {
        int count = LARGE / (28 * 28);
        byte[] pixels = IdxFiles.pixels(count, 28, 28);
        Path file = dir.resolve("x.npy");
        Files.write(file, IdxFiles.concat(npyHeader("|u1", "(" + count + ", 28, 28)"), pixels));

        long grown = directMemoryGrowthOnAFreshThread(() -> {
            Npy.Array array = Npy.read(file);
            assertArrayEquals(new int[] {count, 28, 28}, array.shape());
            assertArrayEquals(pixels, array.bytes());
        });

        assertSmall(grown);
    }

    @Test
    void readAllBytesReadsAWholeFileInPieces() throws Exception {
        byte[] data = IdxFiles.pixels(LARGE / 1000, 10, 100);
        Path file = Files.write(dir.resolve("blob"), data);

        long grown = directMemoryGrowthOnAFreshThread(() -> assertArrayEquals(data, ChunkedIo.readAllBytes(file)));

        assertSmall(grown);
        assertArrayEquals(new byte[0], ChunkedIo.readAllBytes(Files.write(dir.resolve("empty"), new byte[0])));
    }

    @Test
    void writingALargeFileAtomicallyLeavesNoNativeBufferOfItsSize() throws Exception {
        byte[] data = IdxFiles.pixels(LARGE / 1000, 10, 100);
        Path file = dir.resolve("weights.cnnw");

        long grown = directMemoryGrowthOnAFreshThread(() -> AtomicFiles.write(file, data));

        assertSmall(grown);
        assertArrayEquals(data, Files.readAllBytes(file));
    }

    @Test
    void readFullyStopsAtTheEndOfTheStreamAndChecksItsRange() throws IOException {
        byte[] into = new byte[10];
        InputStream in = new ByteArrayInputStream(new byte[] {1, 2, 3});

        assertEquals(3, ChunkedIo.readFully(in, into, 2, 8));
        assertArrayEquals(new byte[] {0, 0, 1, 2, 3, 0, 0, 0, 0, 0}, into);
        assertEquals(0, ChunkedIo.readFully(in, into, 0, 10));
        assertThrows(IndexOutOfBoundsException.class, () -> ChunkedIo.readFully(in, into, 5, 6));
    }

    private static void assertSmall(long grown) {
        assertTrue(grown <= 2 * ChunkedIo.CHUNK,
                "using a " + (LARGE >> 20) + " MB file kept " + grown + " bytes of direct buffers");
    }

    private interface Read {
        void run() throws Exception;
    }

    /** Runs {@code read} on a new thread (whose temporary-buffer cache is empty) and returns the growth of the
     *  direct buffers' memory measured on that thread right after it, before the thread ends and frees them. */
    private static long directMemoryGrowthOnAFreshThread(Read read) throws Exception {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
        AtomicLong grown = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            long before = direct.getMemoryUsed();
            try {
                read.run();
            } catch (Throwable t) {
                failure.set(t);
            }
            grown.set(direct.getMemoryUsed() - before);
        });
        thread.start();
        thread.join();
        if (failure.get() instanceof Exception e) {
            throw e;
        } else if (failure.get() instanceof Error e) {
            throw e;
        }
        return grown.get();
    }

    private static byte[] npyHeader(String dtype, String shape) {
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }
}
