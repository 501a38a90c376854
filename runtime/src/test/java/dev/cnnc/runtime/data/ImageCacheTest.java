package dev.cnnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.optim.LossKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image folders decoded into a memory-mapped cache: the same examples as in memory, reused, rebuilt when stale. */
class ImageCacheTest {
    private static final Needs RGB = new Needs(new int[] {4, 4, 3}, 2, LossKind.CATEGORICAL_CROSSENTROPY);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private DataSource.Options options(Needs needs, ImageCache.Mode mode) {
        return new DataSource.Options(needs, false, Csv.Scale.AUTO, new PrintStream(log, true, StandardCharsets.UTF_8),
                mode, dir.resolve("cache"));
    }

    private Path folder() throws IOException {
        Path root = dir.resolve("photos");
        for (int i = 0; i < 5; i++) {
            SourcesTest.image(root.resolve("a/" + i + ".png"), 4 + i, 4, 0x102030 * (i + 1), "png");
            SourcesTest.image(root.resolve("b/" + i + ".bmp"), 4, 6, 0x302010 * (i + 1), "bmp");
        }
        return root;
    }

    private static float[] all(Dataset d) {
        int[] order = new int[d.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        float[] x = new float[d.count() * d.exampleSize()];
        d.copyInputs(order, 0, order.length, x);
        return x;
    }

    @Test
    void theCacheHoldsTheSameExamplesAsMemoryAndIsReusedUntilAnImageChanges() throws IOException {
        Path root = folder();
        Dataset memory = DataSource.parse(root.toString()).load(options(RGB, ImageCache.Mode.NEVER)).train();
        Dataset cached = DataSource.parse(root.toString()).load(options(RGB, ImageCache.Mode.ALWAYS)).train();
        assertInstanceOf(MappedImageDataset.class, cached);
        assertArrayEquals(all(memory), all(cached));
        for (int i = 0; i < memory.count(); i++) {
            assertEquals(memory.label(i), cached.label(i));
        }
        float[] t = new float[2];
        cached.slice(7, 2).copyTargets(new int[] {0}, 0, 1, t);
        assertArrayEquals(new float[] {0, 1}, t);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("Decoding 10 images"), log.toString());
        List<Path> caches = caches();
        assertEquals(1, caches.size());
        FileTime written = Files.getLastModifiedTime(caches.get(0));

        log.reset();
        Dataset again = DataSource.parse(root.toString()).load(options(RGB, ImageCache.Mode.ALWAYS)).train();
        assertArrayEquals(all(memory), all(again));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("Using the decoded images in " + caches.get(0)),
                log.toString());
        assertEquals(written, Files.getLastModifiedTime(caches.get(0)));

        log.reset();
        SourcesTest.image(root.resolve("a/0.png"), 4, 4, 0xFFFFFF, "png");
        Files.setLastModifiedTime(root.resolve("a/0.png"), FileTime.fromMillis(written.toMillis() + 5000));
        Dataset changed = DataSource.parse(root.toString()).load(options(RGB, ImageCache.Mode.ALWAYS)).train();
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("Decoding 10 images"), log.toString());
        float[] px = new float[48];
        changed.copyInputs(new int[] {0}, 0, 1, px);
        assertEquals(1f, px[0], 0f);
        assertEquals(2, caches().size(), "a new cache under the new key");
        assertNotEquals(caches.get(0), caches().stream().filter(p -> !p.equals(caches.get(0))).findFirst().orElseThrow());
    }

    @Test
    void aDamagedCacheIsRebuiltNotRead() throws IOException {
        Path root = folder();
        DataSource.parse(root.toString()).load(options(RGB, ImageCache.Mode.ALWAYS));
        Path cache = caches().get(0);
        byte[] bytes = Files.readAllBytes(cache);
        Files.write(cache, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        log.reset();
        Dataset d = DataSource.parse(root.toString()).load(options(RGB, ImageCache.Mode.ALWAYS)).train();
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("Decoding"), log.toString());
        assertEquals(10, d.count());
        assertEquals(bytes.length, Files.size(cache));
    }

    @Test
    void channelsFirstModelsReadTheCacheTransposed() throws IOException {
        Path root = folder();
        Needs first = new Needs(new int[] {3, 4, 4}, 2, LossKind.CATEGORICAL_CROSSENTROPY);
        Dataset memory = DataSource.parse(root.toString()).load(options(first, ImageCache.Mode.NEVER)).train();
        Dataset cached = DataSource.parse(root.toString()).load(options(first, ImageCache.Mode.ALWAYS)).train();
        assertArrayEquals(new int[] {3, 4, 4}, cached.exampleShape());
        assertArrayEquals(all(memory), all(cached));
    }

    @Test
    void copyingBatchesFromTheCacheAndAsBinaryTargetsAllocatesNothing() throws IOException {
        Path root = folder();
        Dataset cached = DataSource.parse(root.toString()).load(options(RGB, ImageCache.Mode.ALWAYS)).train();
        Needs binary = new Needs(new int[] {4, 4, 3}, 1, LossKind.BINARY_CROSSENTROPY);
        Dataset bin = DataSource.parse(root.toString()).load(options(binary, ImageCache.Mode.ALWAYS)).train();
        assertInstanceOf(BinaryTargets.class, bin);
        int[] order = {9, 3, 0, 5, 7, 1, 2, 8, 4, 6};
        float[] x = new float[10 * 48];
        float[] t = new float[20];
        Runnable batches = () -> {
            for (int k = 0; k < 20; k++) {
                cached.copyInputs(order, 0, 10, x);
                cached.copyTargets(order, 0, 10, t);
                bin.copyInputs(order, 0, 10, x);
                bin.copyTargets(order, 0, 10, t);
            }
        };
        batches.run();
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        batches.run();
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 256, "allocated " + allocated + " bytes copying 80 batches");
        assertEquals(bin.label(6), (int) t[9]);
    }

    private List<Path> caches() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("cache"))) {
            return s.filter(p -> p.toString().endsWith(".cnni")).sorted().toList();
        }
    }
}
