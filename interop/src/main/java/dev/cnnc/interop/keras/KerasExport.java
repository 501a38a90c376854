package dev.cnnc.interop.keras;

import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.interop.InteropException;
import dev.cnnc.runtime.Network;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@code cnnc export --keras} and {@code --keras-model}: a cnnc model and its weights as Keras 2.2.4 HDF5 files. */
public final class KerasExport {
    private KerasExport() {}

    /** A {@code save_weights}-style file, which Keras' {@code load_weights} reads into the same model. */
    public static void weights(Model model, Network net, Path out) throws IOException {
        KerasWeights.write(out, net, layerNames(model));
    }

    /** A {@code model.save}-style file with {@code model_config} and {@code training_config}, for {@code load_model}. */
    public static void model(Model model, Network net, Path out) throws IOException, InteropException {
        String config;
        try {
            config = CnnToConfig.modelConfig(model);
        } catch (CnnToConfig.Unsupported e) {
            throw new InteropException(out, "cannot write a Keras model_config for " + e.getMessage()
                    + " (export the weights with --keras instead)");
        }
        KerasWeights.writeFile(out, net, layerNames(model), config, CnnToConfig.trainingConfig(model));
    }

    private static List<String> layerNames(Model model) {
        return model.layers().stream().map(Layer::name).toList();
    }
}
