package dev.cnnc.examples.shapes;

import dev.cnnc.runtime.data.DataSource;
import dev.cnnc.runtime.data.Needs;
import dev.cnnc.runtime.train.TrainingSession;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Training on a folder of one's own images in a few lines: {@link #drawFolder} writes
 * {@code DIR/train/{circle,square,triangle}/*.png|jpg} and {@code DIR/test/...} (colour shapes of random size,
 * position and colour, on images of several sizes, as photos would be), then {@link #train} loads the folder
 * with {@link DataSource} and trains {@link ShapesCnn}, generated from {@code ShapesCnn.cnn}, with a
 * {@link TrainingSession}.
 *
 * <pre>mvn -pl examples/shapes -am compile exec:java -Dexec.mainClass=dev.cnnc.examples.shapes.TrainShapes</pre>
 * or run {@code main} with a folder; the same folder trains from the command line:
 * {@code cnnc train examples/shapes/src/main/cnn/dev/cnnc/examples/shapes/ShapesCnn.cnn --data DIR}.
 */
public final class TrainShapes {
    /** The classes, in the sorted order of their folders. */
    public static final List<String> CLASSES = List.of("circle", "square", "triangle");

    private TrainShapes() {}

    /** Draws {@code perClass} training and {@code perClass / 3} test images per class into {@code dir}. */
    public static void drawFolder(Path dir, int perClass, long seed) throws IOException {
        Random r = new Random(seed);
        for (String part : new String[] {"train", "test"}) {
            int n = part.equals("train") ? perClass : Math.max(1, perClass / 3);
            for (int c = 0; c < CLASSES.size(); c++) {
                Path classDir = dir.resolve(part).resolve(CLASSES.get(c));
                Files.createDirectories(classDir);
                for (int i = 0; i < n; i++) {
                    int size = 32 + 16 * r.nextInt(3); // 32, 48 or 64 pixels: resized on loading
                    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
                    Graphics2D g = img.createGraphics();
                    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                    g.setColor(new Color(r.nextInt(80), r.nextInt(80), r.nextInt(80)));
                    g.fillRect(0, 0, size, size);
                    g.setColor(Color.getHSBColor(r.nextFloat(), 0.6f + 0.4f * r.nextFloat(), 0.8f + 0.2f * r.nextFloat()));
                    int s = size / 2 + r.nextInt(size / 3);
                    int x = r.nextInt(size - s);
                    int y = r.nextInt(size - s);
                    switch (c) {
                        case 0 -> g.fillOval(x, y, s, s);
                        case 1 -> g.fillRect(x, y, s, s);
                        default -> g.fillPolygon(new int[] {x, x + s, x + s / 2}, new int[] {y + s, y + s, y}, 3);
                    }
                    g.dispose();
                    String format = i % 2 == 0 ? "png" : "jpg";
                    ImageIO.write(img, format, classDir.resolve(String.format("%04d.%s", i, format)).toFile());
                }
            }
        }
    }

    /** Loads {@code dir} for the model and trains it; returns what the session measured (test accuracy included). */
    public static TrainingSession.Result train(Path dir, int epochs, long seed) throws IOException {
        ShapesCnn model = new ShapesCnn(1, seed);
        var config = model.trainingConfig().withEpochs(epochs);
        DataSource.Loaded data = DataSource.parse(dir.toString())
                .load(new DataSource.Options(Needs.of(model, config.loss())));
        try (TrainingSession session = TrainingSession.builder(model, config).seed(seed).out(System.out)
                .classNames(data.classNames()).build()) {
            return session.train(data.train(), data.test());
        }
    }

    /** {@code TrainShapes [DIR]}: draws the folder (default {@code target/shapes}) if absent, then trains. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/shapes");
        if (!Files.isDirectory(dir)) {
            drawFolder(dir, 200, 1);
        }
        train(dir, new ShapesCnn(1, 1).trainingConfig().epochs(), 1);
    }
}
