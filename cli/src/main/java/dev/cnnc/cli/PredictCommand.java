package dev.cnnc.cli;

import dev.cnnc.compiler.load.NetworkFactory;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.data.ImageDataset;
import dev.cnnc.runtime.data.mnist.Mnist;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "predict",
        description = {"Classifies one image with saved weights: a test-set index, or a 28x28 grayscale PNG.",
                "Prints each class's probability and the prediction."},
        mixinStandardHelpOptions = true)
final class PredictCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The .cnn file the weights were trained for.")
    Path file;

    @Option(names = "--weights", required = true, paramLabel = "W", description = "A weights file saved by cnnc train.")
    Path weights;

    @Option(names = "--image", required = true, paramLabel = "N|PNG",
            description = {"An index into the 10,000 MNIST test images, or the path of a 28x28 PNG.",
                    "A PNG with a light background is inverted (MNIST digits are white on black)."})
    String image;

    @Mixin
    DataOption data;

    @Mixin
    VectorOption vector;

    @Override
    public Integer call() throws IOException {
        NetworkFactory factory = Models.load(file, spec.commandLine().getErr(), vector.vector);
        if (factory == null) {
            return Main.MODEL_ERRORS;
        }
        Network model = factory.create(1, 0);
        Weights.load(weights, model);
        float[] pixels;
        Integer label = null;
        if (image.matches("\\d+")) {
            Mnist.Data mnist = data.load(model, spec.commandLine().getErr());
            ImageDataset test = mnist.test();
            int index = Integer.parseInt(image);
            if (index >= test.count()) {
                throw new Main.UserException("--image " + index + ": the test set has images 0 to " + (test.count() - 1),
                        Main.USAGE);
            }
            pixels = new float[test.imageSize()];
            test.copyInputs(new int[] {index}, 0, 1, pixels);
            label = test.label(index);
        } else {
            pixels = png(Path.of(image));
        }
        if (pixels.length != model.inputSize()) {
            throw new Main.UserException("the image has " + pixels.length + " pixels; the model takes " + model.inputSize(),
                    Main.USAGE);
        }
        float[] p = model.predict(pixels);
        int best = 0;
        PrintWriter out = spec.commandLine().getOut();
        for (int k = 0; k < p.length; k++) {
            out.printf(Locale.ROOT, "%d: %.4f%n", k, p[k]);
            if (p[k] > p[best]) {
                best = k;
            }
        }
        out.println("prediction: " + best + (label == null ? "" : " (label: " + label + ")"));
        out.flush();
        return Main.OK;
    }

    static float[] png(Path path) {
        BufferedImage img;
        try {
            img = Files.isRegularFile(path) ? ImageIO.read(path.toFile()) : null;
        } catch (IOException e) {
            throw new Main.UserException(path + ": cannot be read as an image: " + e.getMessage(), Main.USAGE);
        }
        if (img == null) {
            throw new Main.UserException(path + ": " + (Files.exists(path) ? "not a PNG image" : "no such file")
                    + " (--image takes a test-set index or a PNG path)", Main.USAGE);
        }
        if (img.getWidth() != 28 || img.getHeight() != 28) {
            throw new Main.UserException(path + ": the image is " + img.getWidth() + "x" + img.getHeight()
                    + "; MNIST models take 28x28", Main.USAGE);
        }
        float[] pixels = new float[28 * 28];
        double mean = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int rgb = img.getRGB(x, y);
                float gray = (0.299f * (rgb >> 16 & 0xff) + 0.587f * (rgb >> 8 & 0xff) + 0.114f * (rgb & 0xff)) / 255f;
                pixels[y * 28 + x] = gray;
                mean += gray;
            }
        }
        if (mean / pixels.length > 0.5) {
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = 1f - pixels[i];
            }
        }
        return pixels;
    }
}
