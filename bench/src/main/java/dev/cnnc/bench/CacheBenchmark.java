package dev.cnnc.bench;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Csv;
import dev.cnnc.runtime.data.DataSource;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.ImageCache;
import dev.cnnc.runtime.data.Needs;
import dev.cnnc.runtime.optim.LossKind;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * The data path of an image folder larger than the heap: draws a synthetic folder whose decoded images take
 * {@code GB} gigabytes (128x128 RGB, two classes), loads it through the memory-mapped {@link ImageCache} (timing
 * the decoding, then the reuse), and times reading shuffled batches of 64 over the whole set, per image, against
 * the same reading from an in-memory copy of a subset that fits the heap. Not JMH: one long run, by hand.
 *
 * <pre>java -Xmx512m --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.cnnc.bench.CacheBenchmark /tmp/folder 2.0</pre>
 */
public final class CacheBenchmark {
    private static final int SIDE = 128;

    private CacheBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/cache-bench");
        double gb = args.length > 1 ? Double.parseDouble(args[1]) : 2.0;
        int perImage = SIDE * SIDE * 3;
        int n = (int) Math.ceil(gb * (1L << 30) / perImage);
        if (!Files.isDirectory(dir.resolve("b"))) {
            long t = System.nanoTime();
            draw(dir, n);
            System.out.printf(Locale.ROOT, "drew %d PNGs in %.1f s%n", n, (System.nanoTime() - t) / 1e9);
        }
        Needs needs = new Needs(new int[] {SIDE, SIDE, 3}, 2, LossKind.CATEGORICAL_CROSSENTROPY);
        Path cacheDir = dir.resolveSibling(dir.getFileName() + "-cache");
        long t0 = System.nanoTime();
        Dataset mapped = DataSource.parse(dir.toString()).load(new DataSource.Options(needs, false, Csv.Scale.AUTO,
                System.out, ImageCache.Mode.ALWAYS, cacheDir)).train();
        double decode = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        mapped = DataSource.parse(dir.toString()).load(new DataSource.Options(needs, false, Csv.Scale.AUTO,
                System.out, ImageCache.Mode.ALWAYS, cacheDir)).train();
        double reuse = (System.nanoTime() - t1) / 1e9;
        System.out.printf(Locale.ROOT, "%d images, %.2f GB decoded, heap max %d MB: decoding %.1f s, reuse %.2f s%n",
                mapped.count(), (double) mapped.count() * perImage / (1L << 30), Runtime.getRuntime().maxMemory() >> 20,
                decode, reuse);
        int fits = (int) Math.min(mapped.count(), Runtime.getRuntime().maxMemory() / 4 / perImage);
        Path small = dir.resolveSibling(dir.getFileName() + "-small");
        if (!Files.isDirectory(small.resolve("b"))) {
            draw(small, fits);
        }
        Dataset memory = DataSource.parse(small.toString()).load(new DataSource.Options(needs, false, Csv.Scale.AUTO,
                System.out, ImageCache.Mode.NEVER, cacheDir)).train();
        for (int round = 0; round < 3; round++) {
            System.out.printf(Locale.ROOT, "round %d: mapped %.0f ns/image (%d images), in memory %.0f ns/image (%d)%n",
                    round, perImageNanos(mapped), mapped.count(), perImageNanos(memory), memory.count());
        }
        // Training: one epoch over the whole mapped set against as many images from memory (the subset
        // repeated), alternately, with the same model, seed and threads.
        int threads = Runtime.getRuntime().availableProcessors();
        int epochs = Math.max(1, (int) Math.round((double) mapped.count() / memory.count()));
        for (int round = 0; round < 2; round++) {
            double mappedRate = train(mapped, 1, threads);
            double memoryRate = train(memory, epochs, threads);
            System.out.printf(Locale.ROOT, "training round %d (%d threads, CacheCnn, Vector API): mapped %.0f images/s "
                    + "(1 epoch of %d), in memory %.0f images/s (%d epochs of %d): mapped/memory %.3f%n", round, threads,
                    mappedRate, mapped.count(), memoryRate, epochs, memory.count(), mappedRate / memoryRate);
        }
    }

    /** Images per second of training {@code epochs} epochs on {@code data}. */
    private static double train(Dataset data, int epochs, int threads) throws IOException {
        Network model = new dev.cnnc.bench.cache.CacheCnn(1, 1);
        TrainingConfig config = model.trainingConfig().withEpochs(epochs);
        try (Trainer t = new Trainer(model, config, threads, 1, new PrintStream(new ByteArrayOutputStream()), false)) {
            long start = System.nanoTime();
            t.fit(data, null, 0, new History(), null);
            return (double) data.count() * epochs / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double perImageNanos(Dataset d) {
        int[] order = IntStream.range(0, d.count()).toArray();
        Random r = new Random(1);
        for (int i = order.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float[] x = new float[64 * d.exampleSize()];
        float[] y = new float[64 * d.targetSize()];
        long start = System.nanoTime();
        double sink = 0;
        for (int from = 0; from + 64 <= order.length; from += 64) {
            d.copyInputs(order, from, 64, x);
            d.copyTargets(order, from, 64, y);
            sink += x[from % x.length];
        }
        long nanos = System.nanoTime() - start;
        if (sink == -1) {
            System.out.println(sink);
        }
        return (double) nanos / (order.length / 64 * 64);
    }

    private static void draw(Path dir, int n) throws IOException {
        for (String c : new String[] {"a", "b"}) {
            Files.createDirectories(dir.resolve(c));
        }
        IntStream.range(0, n).parallel().forEach(i -> {
            Random r = new Random(i);
            BufferedImage img = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(r.nextInt(0xFFFFFF)));
            if (i % 2 == 0) {
                g.fillOval(r.nextInt(64), r.nextInt(64), 64, 64);
            } else {
                g.fillRect(r.nextInt(64), r.nextInt(64), 64, 64);
            }
            g.dispose();
            try {
                ImageIO.write(img, "png", dir.resolve((i % 2 == 0 ? "a/" : "b/") + i + ".png").toFile());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
