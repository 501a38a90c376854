package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;

/**
 * The parametrised activation layers of Keras 2.2.4 ({@code advanced_activations.py}) without
 * weights: {@code ReLU}, {@code LeakyReLU}, {@code ThresholdedReLU} and {@code ELU}. Their backward
 * passes need the input, so they have their own code rather than a fused activation.
 *
 * <ul>
 * <li>{@link Function#RELU} is the TensorFlow backend's {@code relu(x, alpha, max_value, threshold)}:
 *     {@code y = x > threshold ? x : 0}, then clipped to {@code [0, max_value]} if there is one, then
 *     {@code y -= alpha * max(threshold - x, 0)}. {@code LeakyReLU(alpha)} is {@code alpha} with
 *     threshold 0; {@code ThresholdedReLU(theta)} is threshold {@code theta} with no slope.
 * <li>{@link Function#ELU}: {@code y = x > 0 ? x : alpha * (exp(x) - 1)}.
 * </ul>
 *
 * @param kerasClass {@code ReLU}, {@code LeakyReLU}, {@code ThresholdedReLU} or {@code ELU}
 * @param alpha the negative slope (RELU) or ELU's alpha
 * @param maxValue RELU's upper bound, or null for none
 * @param threshold RELU's threshold (0 for ELU)
 */
public record AdvancedActivationLayer(String name, Span span, String kerasClass, Shape inputShape, Function function,
        double alpha, Double maxValue, double threshold) implements Layer {

    /** The elementwise function. */
    public enum Function {
        RELU, ELU
    }

    @Override
    public Shape outputShape() {
        return inputShape;
    }

    @Override
    public long multiplyAdds() {
        return 0;
    }
}
