package dev.cnnc.cli;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.io.WeightsFile;
import java.io.IOException;
import java.nio.file.Path;

final class Weights {
    private Weights() {}

    /** Loads {@code file} into {@code model}; a bad file is a usage error with the loader's message. */
    static WeightsFile.Contents load(Path file, Network model) {
        try {
            return WeightsFile.load(file, model);
        } catch (IOException e) {
            throw new Main.UserException(e.getMessage(), Main.USAGE);
        }
    }
}
