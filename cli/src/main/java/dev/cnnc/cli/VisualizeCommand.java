package dev.cnnc.cli;

import dev.cnnc.cli.pictures.FeatureMaps;
import dev.cnnc.cli.pictures.Filters;
import dev.cnnc.cli.pictures.GradCam;
import dev.cnnc.cli.pictures.Pictures;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.Needs;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "visualize",
        description = {"Draws what a trained model learned, as PNG files in a folder: the first convolution's",
                "filters (--filters) and, for one input (--image), the feature maps of every convolution and",
                "pooling layer, from the generated model's own forward pass."},
        mixinStandardHelpOptions = true)
final class VisualizeCommand implements Callable<Integer> {
    @Mixin
    ScriptOption script;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    TrainedModel trained;

    @Option(names = "--filters", description = "Draw the first convolution's kernels (filters.png).")
    boolean filters;

    @Option(names = "--image", paramLabel = "N|IMAGE",
            description = {"Draw the feature maps for this input: an index into the test data (--data, MNIST's by",
                    "default) or an image file (input.png, then one feature-maps-LAYER.png per layer)."})
    String image;

    @Option(names = "--cam", description = {"With --image: a Grad-CAM heatmap of the last convolution for the",
            "predicted class (or --class), over the image (cam.png)."})
    boolean cam;

    @Option(names = "--class", paramLabel = "K", description = "The class of --cam (default: the predicted one).")
    Integer klass;

    @Option(names = "--layer", paramLabel = "NAME", description = {"Only this layer's feature maps, and its Grad-CAM",
            "(default: every convolution and pooling layer; the last convolution)."})
    String layer;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The folder for the pictures.")
    Path output;

    @Mixin
    DataOption data;

    @Mixin
    VectorOption vector;

    @Override
    public Integer call() throws IOException {
        if (!filters && image == null) {
            throw new Main.UserException("say what to draw: --filters, --image N|IMAGE, or both", Main.USAGE);
        }
        if ((cam || klass != null) && image == null) {
            throw new Main.UserException("--cam and --class need --image N|IMAGE", Main.USAGE);
        }
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new Main.UserException(output + ": is a file, not a folder (-o names the folder for the pictures)",
                    Main.USAGE);
        }
        TrainedModel.Loaded loaded = trained.load(spec.commandLine().getErr(), vector);
        if (loaded == null) {
            return Main.MODEL_ERRORS;
        }
        Network model = loaded.model();
        java.util.List<String> classes = loaded.contents().classNames();
        Map<String, BufferedImage> pictures = new LinkedHashMap<>();
        if (filters) {
            Parameter kernel = Filters.firstKernel(model.parameters());
            if (kernel == null) {
                throw new Main.UserException(model.name() + " has no Conv2D layer: there are no filters to draw",
                        Main.MODEL_ERRORS);
            }
            pictures.put("filters.png", Filters.draw(kernel));
        }
        if (image != null) {
            int[] shape = model.inputShape();
            if (shape.length != 3) {
                throw new Main.UserException("the model's input is " + Dataset.tuple(shape) + ", not an image: "
                        + "there are no feature maps to draw", Main.MODEL_ERRORS);
            }
            float[] x = input(model);
            pictures.put("input.png", FeatureMaps.input(x, shape));
            int only = layer == null ? -1 : layerIndex(model);
            for (Map.Entry<String, BufferedImage> e : FeatureMaps.draw(model, x, only).entrySet()) {
                pictures.put("feature-maps-" + e.getKey() + ".png", e.getValue());
            }
            if (cam || klass != null) {
                if (klass != null && (klass < 0 || klass >= model.outputSize())) {
                    throw new Main.UserException("--class " + klass + ": " + model.name() + " has classes 0 to "
                            + (model.outputSize() - 1), Main.USAGE);
                }
                GradCam.Cam map;
                try {
                    map = GradCam.compute(model, x, klass, layer == null ? GradCam.lastConvolution(model) : layerIndex(model));
                } catch (IllegalArgumentException e) {
                    throw new Main.UserException(e.getMessage() + ": no class activation map", Main.MODEL_ERRORS);
                }
                String name = classes != null && map.klass() < classes.size() ? classes.get(map.klass())
                        : Integer.toString(map.klass());
                pictures.put("cam.png", GradCam.overlay(map, x, shape, name));
            }
        }
        try {
            Pictures.writeAll(output, pictures);
        } catch (IOException e) {
            throw new Main.UserException(output + ": cannot be written (" + e + ")", Main.USAGE);
        }
        PrintWriter out = spec.commandLine().getOut();
        for (String name : pictures.keySet()) {
            out.println("Drew " + output.resolve(name));
        }
        out.flush();
        return Main.OK;
    }

    /** The index of {@code --layer}: a layer with a (rows, cols, channels) output, by its name. */
    private int layerIndex(Network model) {
        java.util.List<String> names = model.layerNames();
        int i = names.indexOf(layer);
        if (i < 0) {
            throw new Main.UserException("--layer " + layer + ": " + model.name() + " has no layer '" + layer + "'"
                    + dev.cnnc.compiler.check.Suggest.didYouMean(layer, names) + " (layers: " + String.join(", ", names) + ")",
                    Main.USAGE);
        }
        if (model.layerOutputShape(i).length != 3) {
            throw new Main.UserException("--layer " + layer + ": its output " + Dataset.tuple(model.layerOutputShape(i))
                    + " is not (rows, cols, channels): it has no feature maps", Main.USAGE);
        }
        return i;
    }

    private float[] input(Network model) {
        Needs needs = Needs.of(model, DataOption.loss(model));
        if (image.matches("\\d+")) {
            return data.testImage(model, Integer.parseInt(image), spec.commandLine().getErr()).pixels();
        }
        Path path = Path.of(image);
        if (!Files.isRegularFile(path)) {
            throw new Main.UserException(path + ": no such image (--image takes a test-set index or an image file)",
                    Main.USAGE);
        }
        boolean mnistLike = needs.channels() == 1 && needs.rows() == 28 && needs.cols() == 28;
        return PredictCommand.imageInput(path, needs, false, mnistLike);
    }
}
