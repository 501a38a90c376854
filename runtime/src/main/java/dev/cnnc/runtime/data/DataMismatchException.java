package dev.cnnc.runtime.data;

/**
 * Data that does not fit a model, or a model that does not fit the data: the examples' shape differs
 * from the model's input, or the classes from its output. A user error; the message names both sides.
 */
public final class DataMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final boolean modelSide;

    /**
     * @param modelSide whether the model is the side to change (the data is fixed, as MNIST is for
     *     {@code cnnc train}); false when the data is wrong for what was asked of it
     */
    public DataMismatchException(String message, boolean modelSide) {
        super(message);
        this.modelSide = modelSide;
    }

    /** Whether the fix is in the model (true) or in the data (false). */
    public boolean modelSide() {
        return modelSide;
    }
}
