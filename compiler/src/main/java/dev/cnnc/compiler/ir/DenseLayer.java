package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;
import java.util.List;

/** {@code Dense}: {@code activation(x . kernel + bias)}, the kernel laid out {@code (in, units)} as in Keras. */
public record DenseLayer(String name, Span span, Shape inputShape, Shape outputShape, int units, WeightOptions options)
        implements Layer {

    @Override
    public String kerasClass() {
        return "Dense";
    }

    public int inputs() {
        return inputShape.dim(0);
    }

    public boolean useBias() {
        return options.useBias();
    }

    @Override
    public Activation activation() {
        return options.activation();
    }

    @Override
    public List<Weight> weights() {
        return options.weights(new int[] {inputs(), units}, units);
    }

    @Override
    public long multiplyAdds() {
        return (long) inputs() * units;
    }

    @Override
    public Regularizer activityRegularizer() {
        return options.activityRegularizer();
    }
}
