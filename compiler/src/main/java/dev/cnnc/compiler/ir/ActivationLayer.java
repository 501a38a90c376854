package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;

/**
 * {@code Activation(activation)} and {@code Softmax(axis=-1)}: the input copied, then one of the
 * activations a Conv2D or Dense could fuse. {@link #activation()} returns it, so the model applies
 * its backward pass (and fuses softmax with cross-entropy) as for any layer with an activation.
 *
 * @param kerasClass {@code Activation} or {@code Softmax}
 */
public record ActivationLayer(String name, Span span, String kerasClass, Shape inputShape, Activation activation)
        implements Layer {

    @Override
    public Shape outputShape() {
        return inputShape;
    }

    @Override
    public long multiplyAdds() {
        return 0;
    }
}
