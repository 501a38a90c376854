package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;
import java.util.List;

/**
 * {@code PReLU}: {@code y = x > 0 ? x : alpha * x} with a trainable {@code alpha} of the input's shape,
 * its {@code shared_axes} set to 1 (Keras 2.2.4's {@code advanced_activations.py}).
 *
 * @param alpha the weight, of role {@link Weight.Role#ALPHA}, shaped as the input with shared axes of 1
 */
public record PReluLayer(String name, Span span, Shape inputShape, Weight alpha) implements Layer {

    @Override
    public String kerasClass() {
        return "PReLU";
    }

    @Override
    public Shape outputShape() {
        return inputShape;
    }

    @Override
    public List<Weight> weights() {
        return List.of(alpha);
    }

    @Override
    public long multiplyAdds() {
        return inputShape.size();
    }
}
