package dev.cnnc.compiler.model;

import dev.cnnc.compiler.diag.Span;

/**
 * One checked layer of a model, with its shapes inferred. Each kind of layer is one class in
 * {@code dev.cnnc.compiler.layers} that holds its arguments, its shape rule, its parameter count
 * and the code it generates.
 */
public interface Layer {

    /** Keras' name for the layer: {@code conv2d_1}, or the {@code name=} the user gave. */
    String name();

    /** Keras' class name, as {@code summary()} prints it: {@code Conv2D}, {@code MaxPooling2D}. */
    String kerasClass();

    /** Where the layer is declared in the source. */
    Span span();

    Shape inputShape();

    Shape outputShape();

    /** Trainable parameters (kernel and bias elements). */
    long parameterCount();

    /** The activation fused into the layer's output; {@code linear} for layers without one. */
    default Activation activation() {
        return Activation.LINEAR;
    }

    /** Multiply-adds of the forward pass for one example. */
    long multiplyAdds();
}
