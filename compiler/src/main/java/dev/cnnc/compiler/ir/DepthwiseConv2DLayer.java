package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;
import java.util.List;

/**
 * {@code DepthwiseConv2D}: each input channel convolved with its own {@code depthMultiplier}
 * kernels; depthwise kernel {@code (kh, kw, in, depth_multiplier)}, output channel
 * {@code c * depth_multiplier + m}.
 */
public record DepthwiseConv2DLayer(String name, Span span, Shape inputShape, Shape outputShape, int depthMultiplier,
        Geometry2D geometry, WeightOptions options) implements Layer {

    @Override
    public String kerasClass() {
        return "DepthwiseConv2D";
    }

    public int inputChannels() {
        return geometry.channels();
    }

    public int outputChannels() {
        return inputChannels() * depthMultiplier;
    }

    public boolean useBias() {
        return options.useBias();
    }

    /** {@code (kh, kw, in, depth_multiplier)}. */
    public int[] kernelShape() {
        return new int[] {geometry.kernelHeight(), geometry.kernelWidth(), inputChannels(), depthMultiplier};
    }

    @Override
    public Activation activation() {
        return options.activation();
    }

    @Override
    public List<Weight> weights() {
        return options.weights(Weight.Role.DEPTHWISE_KERNEL, kernelShape(), outputChannels());
    }

    @Override
    public long multiplyAdds() {
        return (long) geometry.outHeight() * geometry.outWidth() * geometry.taps() * outputChannels();
    }

    @Override
    public Regularizer activityRegularizer() {
        return options.activityRegularizer();
    }
}
