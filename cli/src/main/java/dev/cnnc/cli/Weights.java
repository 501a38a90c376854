package dev.cnnc.cli;

import dev.cnnc.interop.InteropException;
import dev.cnnc.interop.keras.KerasWeights;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.io.WeightsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

final class Weights {
    private Weights() {}

    /**
     * Loads {@code file} into {@code model}: a cnnc weights file, or a Keras .h5 (from {@code save_weights} or
     * {@code model.save}), matched by order as Keras' {@code load_weights}; a bad file is a usage error with the
     * loader's message.
     */
    static WeightsFile.Contents load(Path file, Network model) {
        try {
            if (KerasWeights.isHdf5(file)) {
                KerasWeights.load(file, model);
                List<float[]> values = new ArrayList<>();
                List<Boolean> trainable = new ArrayList<>();
                for (Parameter p : model.parameters()) {
                    values.add(p.values());
                    trainable.add(p.trainable());
                }
                return new WeightsFile.Contents(0, WeightsFile.architecture(model), values, trainable, null, null, null);
            }
            return WeightsFile.load(file, model);
        } catch (IOException e) {
            throw new Main.UserException(e.getMessage(), Main.USAGE);
        } catch (InteropException e) {
            throw new Main.UserException(e.getMessage(), Main.USAGE);
        }
    }
}
