package dev.cnnc.runtime.optim;

import java.util.Locale;

/**
 * The optimizers cnnc trains with, by the names Keras 2.2.4 gives them, each with Keras' default
 * learning rate. Generated models name theirs as a constant ({@code OptimizerKind.RMSPROP}) so
 * that javac, not the trainer at run time, catches a name the runtime does not know.
 */
public enum OptimizerKind {
    /** {@code keras.optimizers.SGD}: {@code lr=0.01}. */
    SGD("sgd", 0.01),
    /** {@code keras.optimizers.RMSprop}: {@code lr=0.001}. */
    RMSPROP("rmsprop", 0.001),
    /** {@code keras.optimizers.Adam}: {@code lr=0.001}. */
    ADAM("adam", 0.001),
    /** {@code keras.optimizers.Adagrad}: {@code lr=0.01}. */
    ADAGRAD("adagrad", 0.01),
    /** {@code keras.optimizers.Adadelta}: {@code lr=1.0}. */
    ADADELTA("adadelta", 1.0),
    /** {@code keras.optimizers.Adamax}: {@code lr=0.002}. */
    ADAMAX("adamax", 0.002),
    /** {@code keras.optimizers.Nadam}: {@code lr=0.002}. */
    NADAM("nadam", 0.002);

    private final String keras;
    private final double defaultLearningRate;

    OptimizerKind(String keras, double defaultLearningRate) {
        this.keras = keras;
        this.defaultLearningRate = defaultLearningRate;
    }

    /** The name in {@code compile(optimizer='rmsprop')}. */
    public String keras() {
        return keras;
    }

    /** Keras 2.2.4's default {@code lr} for this optimizer. */
    public double defaultLearningRate() {
        return defaultLearningRate;
    }

    /**
     * The kind of a Keras name in any case ({@code "RMSprop"}), for text from users.
     *
     * @throws IllegalArgumentException for a name no kind has, listing the known ones
     */
    public static OptimizerKind fromKeras(String name) {
        String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
        for (OptimizerKind k : values()) {
            if (k.keras.equals(lower)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown optimizer '" + name + "' (known: sgd, rmsprop, adam, adagrad, adadelta, adamax, nadam)");
    }
}
