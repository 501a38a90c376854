package dev.cnnc.compiler.ir;

import java.util.List;

/** The losses cnnc trains with, under their Keras names and aliases. */
public enum Loss {
    CATEGORICAL_CROSSENTROPY("categorical_crossentropy"),
    SPARSE_CATEGORICAL_CROSSENTROPY("sparse_categorical_crossentropy"),
    BINARY_CROSSENTROPY("binary_crossentropy"),
    MEAN_SQUARED_ERROR("mean_squared_error", "mse");

    private final String keras;
    private final List<String> aliases;

    Loss(String keras, String... aliases) {
        this.keras = keras;
        this.aliases = List.of(aliases);
    }

    public String keras() {
        return keras;
    }

    public List<String> aliases() {
        return aliases;
    }

    public static Loss fromKeras(String name) {
        for (Loss l : values()) {
            if (l.keras.equals(name) || l.aliases.contains(name)) {
                return l;
            }
        }
        return null;
    }
}
