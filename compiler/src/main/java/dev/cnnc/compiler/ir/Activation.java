package dev.cnnc.compiler.ir;

import java.util.Locale;

/** The activations of Keras 2.2.4 ({@code keras/activations.py}), applied after the bias. */
public enum Activation {
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

    /** The name used in {@code .cnn} files and by Keras: {@code relu}, {@code hard_sigmoid}. */
    public String keras() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Activation fromKeras(String name) {
        for (Activation a : values()) {
            if (a.keras().equals(name)) {
                return a;
            }
        }
        return null;
    }
}
