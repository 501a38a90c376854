package dev.cnnc.cli;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.data.DataFormatException;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.ImageFiles;
import dev.cnnc.runtime.data.Needs;
import dev.cnnc.runtime.optim.LossKind;
import dev.cnnc.runtime.train.Probabilities;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "predict",
        description = {"Classifies images with saved weights: an index into the test data, an image file, or a",
                "folder of images (PNG, JPEG, BMP, GIF, any size: resized and converted like training images).",
                "One image: prints each class's probability and the prediction. A folder: one line per file",
                "with the class, its probability and the top-k; --csv writes them to a file.",
                "Class names come from the weights file (an image folder's class folders) when it has them."},
        mixinStandardHelpOptions = true)
final class PredictCommand implements Callable<Integer> {
    @Mixin
    ScriptOption script;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    TrainedModel trained;

    @Option(names = "--image", required = true, paramLabel = "N|IMAGE|FOLDER",
            description = {"An index into the test data (--data, MNIST's test images by default), an image file,",
                    "or a folder of images (searched recursively, in sorted order)."})
    String image;

    @Option(names = "--top", paramLabel = "K", defaultValue = "3",
            description = "How many of the most probable classes to list per image (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--csv", paramLabel = "FILE",
            description = "Write file,class,probability and the top-k as CSV to FILE instead of printing.")
    Path csv;

    @Option(names = "--invert", paramLabel = "auto|yes|no", defaultValue = "auto",
            description = {"Invert grey images (1 - value). auto: as for MNIST, invert a mostly light image when the",
                    "model is 28x28 grey and the weights have no class names (default: ${DEFAULT-VALUE})."})
    String invert;

    @Mixin
    DataOption data;

    @Mixin
    VectorOption vector;

    @Override
    public Integer call() throws IOException {
        if (top < 1) {
            throw new Main.UserException("--top must be at least 1", Main.USAGE);
        }
        if (!List.of("auto", "yes", "no").contains(invert)) {
            throw new Main.UserException("--invert takes auto, yes or no, not " + invert, Main.USAGE);
        }
        TrainedModel.Loaded loaded0 = trained.load(spec.commandLine().getErr(), vector);
        if (loaded0 == null) {
            return Main.MODEL_ERRORS;
        }
        Network model = loaded0.model();
        List<String> names = loaded0.contents().classNames();
        Needs needs = Needs.of(model, DataOption.loss(model));
        PrintWriter out = spec.commandLine().getOut();
        if (image.matches("\\d+")) {
            DataOption.TestImage t = data.testImage(model, Integer.parseInt(image), spec.commandLine().getErr());
            Integer label = t.set().targetKind() == Dataset.TargetKind.CLASSES ? t.set().label(t.index()) : null;
            one(out, shown(model, model.predict(t.pixels())), names == null ? t.classNames() : names, label);
            return Main.OK;
        }
        Path path = Path.of(image);
        if (!Files.exists(path)) {
            throw new Main.UserException(path + ": no such file or folder (--image takes a test-set index, an image"
                    + " or a folder of images)", Main.USAGE);
        }
        if (needs.rows() < 1 || (needs.channels() != 1 && needs.channels() != 3)) {
            throw new Main.UserException("the model's input is " + Dataset.tuple(model.inputShape())
                    + ", not an image of (rows, cols, 1) or (rows, cols, 3)", Main.MODEL_ERRORS);
        }
        boolean mnistLike = names == null && needs.channels() == 1 && needs.rows() == 28 && needs.cols() == 28;
        if (Files.isRegularFile(path)) {
            float[] p = shown(model, model.predict(input(path, needs, mnistLike)));
            if (csv == null) {
                one(out, p, names, null);
            } else {
                writeCsv(List.of(path), List.of(p), names);
            }
            return Main.OK;
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(path)) {
            files = s.filter(Files::isRegularFile).filter(ImageFiles::isImageName)
                    .sorted(Comparator.comparing(Path::toString)).toList();
        }
        if (files.isEmpty()) {
            throw new Main.UserException(path + ": holds no images (" + String.join(", ", ImageFiles.EXTENSIONS) + ")",
                    Main.USAGE);
        }
        List<float[]> results = new ArrayList<>();
        for (Path f : files) {
            results.add(shown(model, model.predict(input(f, needs, mnistLike))).clone());
        }
        if (csv != null) {
            writeCsv(files, results, names);
            return Main.OK;
        }
        for (int i = 0; i < files.size(); i++) {
            float[] p = results.get(i);
            int[] best = ranked(p);
            StringBuilder line = new StringBuilder(files.get(i).toString()).append(": ").append(name(best[0], names))
                    .append(String.format(Locale.ROOT, " (%.4f)", prob(p, best[0])));
            if (best.length > 1) {
                line.append("  top-").append(best.length).append(':');
                for (int k : best) {
                    line.append(' ').append(name(k, names)).append(String.format(Locale.ROOT, " %.4f", prob(p, k)));
                }
            }
            out.println(line);
        }
        out.flush();
        return Main.OK;
    }

    /** The outputs as probabilities: a model trained with a loss from logits outputs logits. */
    private static float[] shown(Network model, float[] outputs) {
        if (!model.trainingConfig().fromLogits()) {
            return outputs;
        }
        float[] p = new float[outputs.length];
        Probabilities.of(outputs, p, 1, outputs.length, model.trainingConfig().loss() == LossKind.BINARY_CROSSENTROPY);
        return p;
    }

    /** One image: each class's probability, then the prediction (the lines {@code cnnc predict} always printed). */
    private void one(PrintWriter out, float[] p, List<String> names, Integer label) {
        int best = 0;
        for (int k = 0; k < p.length; k++) {
            out.printf(Locale.ROOT, "%s: %.4f%n", names == null ? Integer.toString(k) : k + " " + names.get(k), p[k]);
            if (p[k] > p[best]) {
                best = k;
            }
        }
        if (p.length == 1) { // one sigmoid output: class 1 if at least 0.5
            best = p[0] >= 0.5f ? 1 : 0;
        }
        out.println("prediction: " + name(best, names) + (label == null ? "" : " (label: " + name(label, names) + ")"));
        out.flush();
    }

    private void writeCsv(List<Path> files, List<float[]> results, List<String> names) {
        StringWriter w = new StringWriter();
        w.append("file,class,probability");
        int k = Math.min(top, Math.max(2, results.get(0).length));
        for (int i = 1; i <= k; i++) {
            w.append(",top").append(Integer.toString(i)).append(",p").append(Integer.toString(i));
        }
        w.append('\n');
        for (int i = 0; i < files.size(); i++) {
            float[] p = results.get(i);
            int[] best = ranked(p);
            w.append(quote(files.get(i).toString())).append(',').append(quote(name(best[0], names)))
                    .append(String.format(Locale.ROOT, ",%.6f", prob(p, best[0])));
            for (int b : best) {
                w.append(',').append(quote(name(b, names))).append(String.format(Locale.ROOT, ",%.6f", prob(p, b)));
            }
            w.append('\n');
        }
        try {
            Files.writeString(csv, w.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Main.UserException(csv + ": cannot be written: " + e.getMessage(), Main.USAGE);
        }
        spec.commandLine().getOut().println("Wrote " + files.size() + " prediction" + (files.size() == 1 ? "" : "s")
                + " to " + csv);
        spec.commandLine().getOut().flush();
    }

    /** The classes in decreasing probability, at most {@code --top}; a sigmoid output ranks class 1 and 0. */
    private int[] ranked(float[] p) {
        float[] q = p.length == 1 ? new float[] {1 - p[0], p[0]} : p;
        Integer[] order = new Integer[q.length];
        for (int i = 0; i < q.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(q[b], q[a]));
        int[] r = new int[Math.min(top, q.length)];
        for (int i = 0; i < r.length; i++) {
            r[i] = order[i];
        }
        return r;
    }

    /** The probability of class {@code k}: for one sigmoid output, {@code p} for class 1 and {@code 1 - p} for 0. */
    private static float prob(float[] p, int k) {
        return p.length == 1 ? (k == 1 ? p[0] : 1 - p[0]) : p[k];
    }

    private static String name(int k, List<String> names) {
        return names == null || k >= names.size() ? Integer.toString(k) : names.get(k);
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    /** The model's input for one image file: decoded, resized and converted as training images are. */
    private float[] input(Path path, Needs needs, boolean mnistLike) {
        return imageInput(path, needs, invert.equals("yes"), invert.equals("auto") && mnistLike);
    }

    /**
     * The model's input for one image file; grey images inverted if {@code invert}, or if
     * {@code invertLight} and the image is mostly light (MNIST digits are light on black).
     */
    static float[] imageInput(Path path, Needs needs, boolean invert, boolean invertLight) {
        ImageFiles.Decoded d;
        try {
            d = ImageFiles.read(path, needs.rows(), needs.cols(), needs.channels());
        } catch (DataFormatException e) {
            throw new Main.UserException(e.getMessage(), Main.USAGE);
        }
        int rows = needs.rows();
        int cols = needs.cols();
        int ch = needs.channels();
        float[] x = new float[rows * cols * ch];
        double mean = 0;
        for (int p = 0; p < rows * cols; p++) {
            for (int c = 0; c < ch; c++) {
                float v = (d.pixels()[p * ch + c] & 0xFF) / 255f;
                x[needs.channelsLast() ? p * ch + c : c * rows * cols + p] = v;
                mean += v;
            }
        }
        boolean flip = invert || invertLight && mean / x.length > 0.5;
        if (flip && ch == 1) {
            for (int i = 0; i < x.length; i++) {
                x[i] = 1f - x[i];
            }
        }
        return x;
    }
}
