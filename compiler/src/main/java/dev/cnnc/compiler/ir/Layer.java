package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;
import java.util.List;

/**
 * One checked layer of a model, with its shapes inferred: plain data, one record per layer kind
 * ({@link Conv2DLayer}, {@link Pool2DLayer}, {@link DenseLayer}, {@link FlattenLayer}). How a kind
 * is bound from its arguments lives in {@code layers}; the code it generates lives in
 * {@code codegen}, one generator per kind and backend.
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

    /** The activation fused into the layer's output; {@code linear} for layers without one. */
    default Activation activation() {
        return Activation.LINEAR;
    }

    /** Multiply-adds of the forward pass for one example. */
    long multiplyAdds();

    /** The layer's weights in Keras' order (kernel, then bias); empty for layers without any. */
    default List<Weight> weights() {
        return List.of();
    }

    /** Every weight element, trainable or not, as Keras' {@code count_params()}. */
    default long parameterCount() {
        return weights().stream().mapToLong(Weight::size).sum();
    }

    /** The elements of the weights that optimizers update. */
    default long trainableParameterCount() {
        return weights().stream().filter(Weight::trainable).mapToLong(Weight::size).sum();
    }

    /** The activity regularizer on the layer's output, or null. */
    default Regularizer activityRegularizer() {
        return null;
    }
}
