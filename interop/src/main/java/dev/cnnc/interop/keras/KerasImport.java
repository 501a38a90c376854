package dev.cnnc.interop.keras;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.diag.Diagnostic;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.interop.InteropException;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.io.WeightsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code cnnc import model.h5}: a Keras {@code model.save} file as a {@code .cnn} file with the same layers,
 * names and non-default arguments, checked by the compiler, and its weights as a cnnc weights file.
 */
public final class KerasImport {
    private KerasImport() {}

    /**
     * An imported model.
     *
     * @param source the {@code .cnn} text
     * @param model the checked model (what {@code cnnc summary} prints for the text)
     * @param warnings what the import left out (a metric, {@code trainable=False}), one line each
     */
    public record Imported(Path file, String modelName, String source, Model model, List<String> warnings) {}

    /** A Java class name from a file name: {@code mnist_cnn.h5} gives {@code MnistCnn}. */
    public static String modelName(Path file) {
        String base = file.getFileName().toString().replaceFirst("\\.(h5|hdf5|keras)$", "");
        StringBuilder b = new StringBuilder();
        boolean up = true;
        for (char c : base.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 128) {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            } else {
                up = true;
            }
        }
        String name = b.length() == 0 || !Character.isLetter(b.charAt(0)) ? "Imported" + b : b.toString();
        return name;
    }

    /** Reads {@code file}'s configs and builds the checked {@code .cnn} model (weights are read by {@link #writeWeights}). */
    public static Imported read(Path file, String modelName) throws InteropException {
        String modelConfig;
        String trainingConfig;
        String version;
        try (H5 h5 = H5.open(file)) {
            String backend = h5.string(h5.root(), "backend", "/");
            if (backend != null && !backend.equals("tensorflow")) {
                throw h5.fail("attribute 'backend'", "the model was saved with the " + backend + " backend, whose "
                        + "convolution kernels are flipped relative to TensorFlow's; cnnc imports TensorFlow models "
                        + "only (load and re-save the model with the TensorFlow backend)");
            }
            modelConfig = h5.string(h5.root(), "model_config", "/");
            if (modelConfig == null) {
                boolean weightsOnly = h5.hasAttribute(h5.root(), "layer_names", "/")
                        || h5.hasAttribute(h5.root(), "layer_names0", "/");
                throw h5.fail("/", weightsOnly
                        ? "a weights-only file (model.save_weights) has no model_config to import: load it into the "
                                + ".cnn model it belongs to with --weights " + file.getFileName()
                        : "no attribute 'model_config': not a Keras model file (Keras' model.save writes one)");
            }
            trainingConfig = h5.string(h5.root(), "training_config", "/");
            version = h5.string(h5.root(), "keras_version", "/");
        }
        ConfigToCnn.Converted c = ConfigToCnn.convert(file, modelConfig, trainingConfig);
        Set<Integer> named = new HashSet<>();
        String header = "# Imported by cnnc from " + file.getFileName() + ", a model saved by Keras "
                + (version == null ? "(version not recorded)" : version) + ".\n";
        String text = text(header, modelName, c, named);
        Model model = check(file, text, c);
        for (int i = 0; i < c.layers().size(); i++) {
            if (!model.layers().get(i).name().equals(c.layers().get(i).name())) {
                named.add(i);
            }
        }
        if (!named.isEmpty()) {
            text = text(header, modelName, c, named);
            model = check(file, text, c);
        }
        return new Imported(file, modelName, text, model, c.warnings());
    }

    private static String text(String header, String modelName, ConfigToCnn.Converted c, Set<Integer> named) {
        StringBuilder b = new StringBuilder(header).append("model ").append(modelName).append('\n').append("input(");
        int[] in = c.inputShape();
        for (int i = 0; i < in.length; i++) {
            b.append(i == 0 ? "" : ", ").append(in[i]);
        }
        b.append(in.length == 1 ? ",)\n\n" : ")\n\n");
        for (int i = 0; i < c.layers().size(); i++) {
            ConfigToCnn.LayerLine l = c.layers().get(i);
            String call = l.text();
            if (named.contains(i)) {
                call = call.substring(0, call.length() - 1) + (call.endsWith("()") ? "" : ", ") + "name="
                        + PyLiterals.string(l.name()) + ")";
            }
            b.append(call).append('\n');
        }
        if (c.compile() != null) {
            b.append('\n').append(c.compile()).append('\n');
        }
        return b.toString();
    }

    /** The line of the first layer in {@link #text}: after the header, model, input and a blank line. */
    private static final int FIRST_LAYER_LINE = 5;

    private static Model check(Path file, String text, ConfigToCnn.Converted c) throws InteropException {
        CnnCompiler.Checked checked = CnnCompiler.check(new SourceFile(file.getFileName() + ".cnn", text));
        if (checked.ok()) {
            return checked.model();
        }
        List<String> problems = new ArrayList<>();
        for (Diagnostic d : checked.diagnostics().all()) {
            if (!d.isError()) {
                continue;
            }
            int index = d.span() == null ? -1 : d.span().line() - FIRST_LAYER_LINE;
            String where = index >= 0 && index < c.layers().size() ? c.layers().get(index).where()
                    : index >= c.layers().size() ? "training_config" : "model_config";
            problems.add(where + ": " + d.message());
        }
        throw new InteropException(file, String.join("\n", problems));
    }

    /**
     * Writes the model's weights, read from {@code imported}'s file, as a cnnc weights file: the model is compiled
     * in memory and its tensors are filled from the file by order, each shape checked.
     */
    public static void writeWeights(Imported imported, Path out) throws InteropException, IOException {
        Network net = CnnCompiler.load(imported.model(), CnnCompiler.Options.defaults()).create(1, 0);
        KerasWeights.load(imported.file(), net);
        WeightsFile.save(out, net, null, null);
    }
}
