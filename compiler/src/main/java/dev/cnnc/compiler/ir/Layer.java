package dev.cnnc.compiler.ir;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.diag.Span;
import java.util.List;

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

    /** The layer's kernel and bias, in that order; empty for layers without parameters. */
    default List<Weight> weights() {
        return List.of();
    }

    /** The activity regularizer on the layer's output, or null. */
    default Regularizer activityRegularizer() {
        return null;
    }

    /** Floats of working memory the generated backward pass needs per model replica (not per example). */
    default long scratchFloats(LayerSite g) {
        return 0;
    }

    // ---------------------------------------------------------------------------------------------
    // Code generation: the layer's class, and the statements with which the model class calls it.

    /** The generated class: shape constants, {@code forward} and {@code backward}. */
    TypeSpec generate(LayerSite g);

    /** The model's call of the layer's forward pass (activation included). */
    CodeBlock forwardCall(LayerSite g);

    /** The model's call of the layer's backward pass (after the activation's backward, if any). */
    CodeBlock backwardCall(LayerSite g);
}
