package dev.cnnc.runtime.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint that cannot be resumed from: missing, holding weights only, or made with another seed,
 * batch size or optimizer. A user error; the message says what to do.
 */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    /** A problem with {@code file}, described by {@code message} (which names the file). */
    public CheckpointException(Path file, String message) {
        super(message);
        this.file = file;
    }

    /** The checkpoint file. */
    public Path file() {
        return file;
    }
}
