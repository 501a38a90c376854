package dev.cnnc.interop.keras;

import dev.cnnc.interop.InteropException;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.io.AtomicFiles;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Group;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keras weights in HDF5, both ways. Reading follows Keras' {@code load_weights_from_hdf5_group}: the layers
 * of {@code layer_names} that have weights are matched <em>by order</em> with the model's layers that have
 * weights, and within a layer by the order of {@code weight_names}; every shape is checked before a value
 * is read. Writing produces what Keras 2.2.4's {@code save_weights} writes, with fixed-length string
 * attributes that every Keras and h5py version decodes (see docs/interop.md).
 */
public final class KerasWeights {
    /** What cnnc writes as {@code keras_version}: the Keras whose semantics cnnc follows. */
    static final String KERAS_VERSION = "2.2.4";

    /** TensorFlow's counter of moving-average updates: cnnc state that Keras does not save. */
    private static final String HIDDEN = "/local_step";

    private KerasWeights() {}

    /** A model layer and its tensors, in Keras' order. */
    record ModelLayer(String name, List<Parameter> tensors) {}

    /** A layer of the file with weights: its group and weight names. */
    record FileLayer(String name, Group group, List<String> weightNames) {}

    /** True if {@code file} is an HDF5 file (a Keras .h5) rather than a cnnc weights file. */
    public static boolean isHdf5(Path file) {
        return H5.isHdf5(file);
    }

    /**
     * Loads the Keras weights in {@code file} (from {@code model.save_weights}, or the {@code model_weights} of a
     * {@code model.save} file) into {@code net}, matched by order as Keras' {@code load_weights} does. State that
     * Keras does not save (TensorFlow's moving-average step count) is left at its initial value, as Keras'
     * loader leaves it.
     */
    public static void load(Path file, Network net) throws InteropException {
        try (H5 h5 = H5.open(file)) {
            checkBackend(h5, h5.root(), "");
            Group weights = h5.group(h5.root(), "model_weights", "/model_weights");
            String prefix = weights == null ? "" : "model_weights/";
            if (weights == null) {
                weights = h5.root();
            } else {
                checkBackend(h5, weights, "model_weights ");
            }
            List<FileLayer> fileLayers = fileLayers(h5, weights, prefix);
            List<ModelLayer> modelLayers = modelLayers(net);
            if (fileLayers.size() != modelLayers.size()) {
                throw new InteropException(file, "the file has weights for " + fileLayers.size() + " layers ("
                        + names(fileLayers.stream().map(FileLayer::name).toList()) + "); the model has "
                        + modelLayers.size() + " layers with weights ("
                        + names(modelLayers.stream().map(ModelLayer::name).toList()) + ")");
            }
            for (int i = 0; i < fileLayers.size(); i++) {
                FileLayer f = fileLayers.get(i);
                ModelLayer m = modelLayers.get(i);
                String which = "layer " + (i + 1) + " with weights (the file's '" + f.name() + "', the model's '"
                        + m.name() + "')";
                if (f.weightNames().size() != m.tensors().size()) {
                    throw new InteropException(file, which + ": the file has " + f.weightNames().size() + " weights ("
                            + names(f.weightNames()) + "), the model " + m.tensors().size() + " ("
                            + names(m.tensors().stream().map(Parameter::name).toList()) + ")");
                }
                for (int j = 0; j < f.weightNames().size(); j++) {
                    Parameter p = m.tensors().get(j);
                    String part = prefix + f.name() + "/" + f.weightNames().get(j);
                    float[] values;
                    try {
                        values = h5.floats(f.group(), f.weightNames().get(j), p.shape(), part);
                    } catch (InteropException e) {
                        throw new InteropException(file, e.getMessage().substring(file.toString().length() + 2)
                                + " (" + which + ", tensor " + p.name() + ")");
                    }
                    System.arraycopy(values, 0, p.values(), 0, values.length);
                }
            }
        }
    }

    private static void checkBackend(H5 h5, Group g, String where) throws InteropException {
        String backend = h5.string(g, "backend", "/" + where.strip());
        if (backend != null && !backend.equals("tensorflow")) {
            throw h5.fail(where + "attribute 'backend'", "the weights were saved with the " + backend + " backend, "
                    + "whose convolution kernels are flipped relative to TensorFlow's; cnnc reads TensorFlow files only "
                    + "(load and re-save the model with the TensorFlow backend)");
        }
    }

    static List<FileLayer> fileLayers(H5 h5, Group weights, String prefix) throws InteropException {
        String where = prefix.isEmpty() ? "/" : "/" + prefix.substring(0, prefix.length() - 1);
        List<String> layerNames = h5.strings(weights, "layer_names", where);
        if (layerNames.isEmpty() && !h5.hasAttribute(weights, "layer_names", where)
                && !h5.hasAttribute(weights, "layer_names0", where)) {
            throw h5.fail(where, "has no attribute 'layer_names': not a Keras weights file (Keras' save_weights and "
                    + "model.save write one)");
        }
        List<FileLayer> out = new ArrayList<>();
        for (String name : layerNames) {
            Group g = h5.group(weights, name, prefix + name);
            if (g == null) {
                throw h5.fail(prefix + name, "layer_names lists this layer, but the file has no group for it");
            }
            List<String> weightNames = h5.strings(g, "weight_names", prefix + name);
            if (!weightNames.isEmpty()) {
                out.add(new FileLayer(name, g, weightNames));
            }
        }
        return out;
    }

    /** The model's layers that have weights Keras saves, each with its tensors in order. */
    static List<ModelLayer> modelLayers(Network net) {
        List<ModelLayer> out = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            if (p.name().endsWith(HIDDEN)) {
                continue;
            }
            String layer = p.name().substring(0, p.name().lastIndexOf('/'));
            if (out.isEmpty() || !out.get(out.size() - 1).name().equals(layer)) {
                out.add(new ModelLayer(layer, new ArrayList<>()));
            }
            out.get(out.size() - 1).tensors().add(p);
        }
        return out;
    }

    private static String names(List<String> names) {
        if (names.isEmpty()) {
            return "none";
        }
        String s = String.join(", ", names);
        return s.length() > 160 ? s.substring(0, 157) + "..." : s;
    }

    // ---------------------------------------------------------------------------------------------
    // Writing

    /**
     * Writes {@code net}'s weights as Keras 2.2.4's {@code save_weights} does, atomically. {@code layerNames} are all
     * the model's layers in order; the file lists those that have weights, which is all Keras' loader reads.
     */
    public static void write(Path out, Network net, List<String> layerNames) throws IOException {
        writeFile(out, net, layerNames, null, null);
    }

    /** Writes a {@code model.save}-style file: the configs at the root, the weights under {@code model_weights}. */
    static void writeFile(Path out, Network net, List<String> layerNames, String modelConfig, String trainingConfig)
            throws IOException {
        Path dir = out.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + out.getFileName(), ".tmp");
        try {
            Files.delete(tmp); // jhdf creates the file itself
            try (WritableHdfFile h5 = HdfFile.write(tmp)) {
                WritableGroup weights = h5;
                if (modelConfig != null) {
                    h5.putAttribute("keras_version", KERAS_VERSION);
                    h5.putAttribute("backend", "tensorflow");
                    h5.putAttribute("model_config", modelConfig);
                    if (trainingConfig != null) {
                        h5.putAttribute("training_config", trainingConfig);
                    }
                    weights = h5.putGroup("model_weights");
                }
                // Only the layers that have weights: Keras' loader keeps just those of layer_names and matches them by
                // order, and jhdf 0.13.0 can write neither Keras' empty weight_names nor, reliably, empty groups (h5py
                // then finds "bad object header version number"; ExportTest reads every exported file with h5py).
                List<ModelLayer> layers = modelLayers(net);
                List<String> weighted = layerNames.stream()
                        .filter(n -> layers.stream().anyMatch(l -> l.name().equals(n))).toList();
                weights.putAttribute("layer_names", weighted.toArray(new String[0]));
                weights.putAttribute("backend", "tensorflow");
                weights.putAttribute("keras_version", KERAS_VERSION);
                for (String name : weighted) {
                    WritableGroup g = weights.putGroup(name);
                    ModelLayer m = layers.stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
                    String[] weightNames = new String[m.tensors().size()];
                    WritableGroup inner = g.putGroup(name);
                    for (int i = 0; i < weightNames.length; i++) {
                        Parameter p = m.tensors().get(i);
                        String leaf = p.name().substring(p.name().lastIndexOf('/') + 1) + ":0";
                        weightNames[i] = name + "/" + leaf;
                        inner.putDataset(leaf, nested(p.values(), p.shape()));
                    }
                    g.putAttribute("weight_names", weightNames);
                }
            }
            AtomicFiles.write(out, Files.readAllBytes(tmp));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A flat row-major array as the nested Java array jhdf writes with that shape. */
    static Object nested(float[] flat, int[] shape) {
        if (shape.length == 1) {
            return flat.clone();
        }
        Object array = Array.newInstance(float.class, shape);
        fill(array, flat, shape, 0, 0);
        return array;
    }

    private static int fill(Object array, float[] flat, int[] shape, int axis, int at) {
        if (axis == shape.length - 1) {
            float[] row = (float[]) array;
            System.arraycopy(flat, at, row, 0, row.length);
            return at + row.length;
        }
        for (int i = 0; i < shape[axis]; i++) {
            at = fill(Array.get(array, i), flat, shape, axis + 1, at);
        }
        return at;
    }
}
