package dev.cnnc.runtime.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Thrown when a file is not a well-formed IDX file of the expected kind, or when IDX files do not fit together.
 *
 * <p>The message always starts with the file's path followed by a colon and says exactly what is wrong, for
 * example {@code /data/train-labels-idx1-ubyte: label 12 at index 3 is outside 0..9}.
 */
public final class IdxFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    /**
     * Creates an exception for a problem found in one file.
     *
     * @param file the offending file
     * @param problem what is wrong, as a sentence fragment without the file name
     */
    public IdxFormatException(Path file, String problem) {
        this(file, problem, null);
    }

    /**
     * Creates an exception for a problem found in one file, caused by a lower-level exception.
     *
     * @param file the offending file
     * @param problem what is wrong, as a sentence fragment without the file name
     * @param cause the underlying exception, or {@code null}
     */
    public IdxFormatException(Path file, String problem, Throwable cause) {
        super(Objects.requireNonNull(file, "file") + ": " + Objects.requireNonNull(problem, "problem"), cause);
        this.file = file;
        this.problem = problem;
    }

    /** Returns the offending file. */
    public Path file() {
        return file;
    }

    /** Returns what is wrong, without the file name. */
    public String problem() {
        return problem;
    }
}
