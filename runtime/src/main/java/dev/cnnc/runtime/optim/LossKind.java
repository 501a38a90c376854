package dev.cnnc.runtime.optim;

/**
 * The losses cnnc trains with, by their Keras 2.2.4 names: the typed half of the contract between
 * generated code ({@code LossKind.CATEGORICAL_CROSSENTROPY}) and the runtime, which computes them
 * with {@link Loss#of(LossKind)}.
 */
public enum LossKind {
    CATEGORICAL_CROSSENTROPY("categorical_crossentropy"),
    SPARSE_CATEGORICAL_CROSSENTROPY("sparse_categorical_crossentropy"),
    BINARY_CROSSENTROPY("binary_crossentropy"),
    /** Also called {@code mse} in Keras. */
    MEAN_SQUARED_ERROR("mean_squared_error");

    private final String keras;

    LossKind(String keras) {
        this.keras = keras;
    }

    /** The name in {@code compile(loss='categorical_crossentropy')}. */
    public String keras() {
        return keras;
    }

    /**
     * The kind of a Keras name or alias ({@code mse}), for text from users.
     *
     * @throws IllegalArgumentException for any other name, listing the known ones
     */
    public static LossKind fromKeras(String name) {
        if ("mse".equals(name)) {
            return MEAN_SQUARED_ERROR;
        }
        for (LossKind k : values()) {
            if (k.keras.equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + name + "' (known: categorical_crossentropy, "
                + "sparse_categorical_crossentropy, binary_crossentropy, mean_squared_error, mse)");
    }
}
