package dev.cnnc.runtime.io;

import java.io.IOException;
import java.nio.file.Path;

/** A weights file that cannot be loaded; the message names the file and says what is wrong. */
public final class WeightsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public WeightsFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
