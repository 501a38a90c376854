package dev.cnnc.runtime;

import java.util.Locale;

/**
 * The activations of Keras 2.2.4 ({@code keras/activations.py}). {@link Network#outputActivation()}
 * returns one, so that the trainer can decide by a constant, not a string, whether a loss fuses with
 * the last layer (softmax with cross-entropy, sigmoid with binary cross-entropy).
 */
public enum ActivationKind {
    LINEAR,
    RELU,
    SIGMOID,
    HARD_SIGMOID,
    TANH,
    SOFTMAX,
    SOFTPLUS,
    SOFTSIGN,
    ELU,
    SELU,
    EXPONENTIAL;

    /** The name in {@code .cnn} files and Keras: {@code relu}, {@code hard_sigmoid}. */
    public String keras() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The kind of a Keras name ({@code "softmax"}).
     *
     * @throws IllegalArgumentException for a name no kind has
     */
    public static ActivationKind fromKeras(String name) {
        for (ActivationKind a : values()) {
            if (a.keras().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name + "'");
    }
}
