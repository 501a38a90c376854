package dev.cnnc.maven;

/**
 * A problem in the user's models or configuration, already explained in the log: the build fails
 * with this message and without a stack trace.
 */
public final class CnncException extends Exception {
    private static final long serialVersionUID = 1L;

    public CnncException(String message) {
        super(message);
    }
}
