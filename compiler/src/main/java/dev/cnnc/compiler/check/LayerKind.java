package dev.cnnc.compiler.check;

import dev.cnnc.compiler.ir.JavaNames;
import dev.cnnc.compiler.ir.Layer;
import java.util.List;
import java.util.function.Function;

/**
 * A kind of layer as the language knows it: its Keras class name and aliases, the arguments it
 * takes, and how it is built and checked from bound arguments.
 *
 * @param kerasClass the class name Keras prints in {@code summary()}: {@code MaxPooling2D}
 * @param aliases other names accepted in {@code .cnn} files: {@code MaxPool2D}
 * @param signature the layer's own arguments in Keras' positional order; the arguments every layer
 *     takes ({@code name}, {@code input_shape}, ...) are added by the checker
 * @param build checks the arguments against the input shape and returns the layer, or null if it
 *     cannot be built (the problem has been reported)
 */
public record LayerKind(String kerasClass, List<String> aliases, Signature signature, Function<LayerContext, Layer> build) {

    /** The prefix of Keras' automatic layer names: {@code max_pooling2d} for {@code max_pooling2d_1}. */
    public String namePrefix() {
        return JavaNames.snakeCase(kerasClass);
    }
}
