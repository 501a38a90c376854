package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;
import java.util.List;

/**
 * {@code SeparableConv2D}: a depthwise convolution (kernel {@code (kh, kw, in, depth_multiplier)})
 * then a 1x1 pointwise one (kernel {@code (1, 1, in * depth_multiplier, filters)}), then the bias.
 *
 * @param weights depthwise kernel, pointwise kernel and (with use_bias) bias, Keras' order
 */
public record SeparableConv2DLayer(String name, Span span, Shape inputShape, Shape outputShape, int filters,
        int depthMultiplier, Geometry2D geometry, Activation activation, Regularizer activityRegularizer,
        List<Weight> weights) implements Layer {

    public SeparableConv2DLayer {
        weights = List.copyOf(weights);
    }

    @Override
    public String kerasClass() {
        return "SeparableConv2D";
    }

    public int inputChannels() {
        return geometry.channels();
    }

    /** Channels between the depthwise and the pointwise step: {@code in * depth_multiplier}. */
    public int middleChannels() {
        return inputChannels() * depthMultiplier;
    }

    public boolean useBias() {
        return weights.size() > 2;
    }

    /** Floats of the depthwise output of one example. */
    public long middleSize() {
        return (long) geometry.outHeight() * geometry.outWidth() * middleChannels();
    }

    @Override
    public long multiplyAdds() {
        return (long) geometry.outHeight() * geometry.outWidth() * middleChannels() * (geometry.taps() + filters);
    }
}
