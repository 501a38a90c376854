package dev.cnnc.runtime.data;

import java.io.IOException;

/**
 * Thrown when a data set cannot be found or fetched. The message is one paragraph meant for the end user: it says
 * what happened and what to do about it.
 */
public final class DataUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do, for the end user
     */
    public DataUnavailableException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what happened and what to do, for the end user
     * @param cause the underlying exception
     */
    public DataUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
