package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;
import java.util.List;

/**
 * {@code Conv2D}: {@code filters} kernels of {@code geometry}'s window, kernel layout
 * {@code (kh, kw, in, filters)} whatever the data format.
 */
public record Conv2DLayer(String name, Span span, Shape inputShape, Shape outputShape, int filters, Geometry2D geometry,
        WeightOptions options) implements Layer {

    @Override
    public String kerasClass() {
        return "Conv2D";
    }

    public int inputChannels() {
        return geometry.channels();
    }

    public boolean useBias() {
        return options.useBias();
    }

    /** {@code (kh, kw, in, filters)}. */
    public int[] kernelShape() {
        return new int[] {geometry.kernelHeight(), geometry.kernelWidth(), inputChannels(), filters};
    }

    /** Elements of the kernel: {@code kh * kw * in * filters}. */
    public long kernelElements() {
        return (long) geometry.taps() * inputChannels() * filters;
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
        return (long) geometry.outHeight() * geometry.outWidth() * kernelElements();
    }

    @Override
    public Regularizer activityRegularizer() {
        return options.activityRegularizer();
    }
}
