package dev.cnnc.interop;

import java.nio.file.Path;

/**
 * A file cnnc cannot import or write, with a message for the user that names the file and the part of
 * it that is wrong ({@code model.h5: model_config: layers[3] 'lambda_1' (Lambda) is not supported: ...}).
 * Never carries a stack trace to the user: the CLI prints {@link #getMessage()}.
 */
public final class InteropException extends Exception {
    private static final long serialVersionUID = 1L;

    public InteropException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public InteropException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
