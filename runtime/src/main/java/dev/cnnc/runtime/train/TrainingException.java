package dev.cnnc.runtime.train;

/** Training stopped: the loss became NaN or infinite (Keras' {@code TerminateOnNaN}). */
public final class TrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingException(String message) {
        super(message);
    }
}
