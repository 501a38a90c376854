package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;
import java.util.List;

/**
 * {@code Conv2DTranspose}: the transpose (input gradient) of a convolution, kernel layout
 * {@code (kh, kw, filters, in)}. {@code geometry} is that of the convolution it transposes: from
 * this layer's output (its "input", {@code geometry.inHeight()}) to this layer's input (its "output",
 * {@code geometry.outHeight()}), with TensorFlow's padding split.
 *
 * @param outputPadding Keras' {@code output_padding}, or null
 */
public record Conv2DTransposeLayer(String name, Span span, Shape inputShape, Shape outputShape, int filters,
        Geometry2D geometry, int[] outputPadding, WeightOptions options) implements Layer {

    public Conv2DTransposeLayer {
        outputPadding = outputPadding == null ? null : outputPadding.clone();
    }

    @Override
    public int[] outputPadding() {
        return outputPadding == null ? null : outputPadding.clone();
    }

    @Override
    public String kerasClass() {
        return "Conv2DTranspose";
    }

    /** This layer's input channels: the transposed convolution's output channels. */
    public int inputChannels() {
        return geometry.dataFormat().channels(inputShape);
    }

    public boolean useBias() {
        return options.useBias();
    }

    /** {@code (kh, kw, filters, in)}. */
    public int[] kernelShape() {
        return new int[] {geometry.kernelHeight(), geometry.kernelWidth(), filters, inputChannels()};
    }

    @Override
    public Activation activation() {
        return options.activation();
    }

    @Override
    public List<Weight> weights() {
        return options.weights(kernelShape(), filters);
    }

    @Override
    public long multiplyAdds() {
        return (long) geometry.outHeight() * geometry.outWidth() * geometry.taps() * filters * inputChannels();
    }

    @Override
    public Regularizer activityRegularizer() {
        return options.activityRegularizer();
    }
}
