package dev.cnnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a whole file while a writer replaces it by atomic renames, as a checkpoint is replaced beside a reader. */
class ChunkedIoTest {
    @TempDir
    Path dir;

    @Test
    void aFileReplacedByRenamesIsReadWholeAsItWasWhenOpened() throws Exception {
        Path file = dir.resolve("checkpoint.cnnw");
        byte[] shorter = new byte[40_000];
        byte[] longer = new byte[90_000];
        Arrays.fill(shorter, (byte) 1);
        Arrays.fill(longer, (byte) 2);
        AtomicFiles.write(file, shorter);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    AtomicFiles.write(file, i % 2 == 0 ? longer : shorter);
                }
            } catch (Throwable t) {
                writerFailed.set(t);
            }
        });
        writer.start();
        int reads = 0;
        try {
            long until = System.nanoTime() + 1_500_000_000L;
            while (System.nanoTime() < until) {
                // the opened file's size: until this was fixed, the path's size after a rename made this throw
                // "changed its length while it was read" within a few hundred reads
                byte[] read = ChunkedIo.readAllBytes(file);
                assertArrayEquals(read.length == shorter.length ? shorter : longer, read, "read " + reads);
                reads++;
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertTrue(writerFailed.get() == null, () -> "the writer failed: " + writerFailed.get());
        assertTrue(reads > 100, "only " + reads + " reads");
    }
}
