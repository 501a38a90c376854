package dev.cnnc.runtime.data;

import java.io.IOException;
import java.util.Objects;

/**
 * A data file that cannot be used: malformed, truncated, of an unsupported type, or holding values that do not
 * make sense (a label out of range, a CSV row of the wrong length). A user error, never a bug.
 *
 * <p>The message always starts with where the problem is, a file or {@code file:line}, then a colon and what is
 * wrong, so that the command line can print it as it is: {@code data.npz: no array 'x_train'; it holds
 * images, labels}.
 */
public final class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String where;
    private final String problem;

    /**
     * @param where the file (or {@code file:line}, {@code archive.npz/x_train.npy}) the problem is in
     * @param problem what is wrong, without the file name
     */
    public DataFormatException(Object where, String problem) {
        this(where, problem, null);
    }

    /** Like {@link #DataFormatException(Object, String)}, with the lower-level exception that revealed it. */
    public DataFormatException(Object where, String problem, Throwable cause) {
        super(Objects.requireNonNull(where, "where") + ": " + Objects.requireNonNull(problem, "problem"), cause);
        this.where = where.toString();
        this.problem = problem;
    }

    /** Where the problem is, e.g. the file's path. */
    public String where() {
        return where;
    }

    /** What is wrong, without the file name. */
    public String problem() {
        return problem;
    }
}
