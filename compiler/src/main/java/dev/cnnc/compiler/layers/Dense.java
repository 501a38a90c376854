package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.diag.Span;
import dev.cnnc.compiler.model.Activation;
import dev.cnnc.compiler.model.Layer;
import dev.cnnc.compiler.model.Shape;
import java.util.List;

/**
 * {@code Dense(units, activation=None, use_bias=True, ...)}: {@code activation(x . kernel + bias)}
 * with the kernel laid out {@code (in, units)} as in Keras.
 */
public final class Dense implements Layer {

    public static final LayerKind KIND = new LayerKind("Dense", List.of(),
            Signature.of("Dense").required("units").optional(Weights.PARAMETERS).keywordOnly("input_dim").build(), Dense::build);

    private final String name;
    private final Span span;
    private final Shape input;
    private final int units;
    private final Weights weights;

    private Dense(LayerContext ctx, int units, Weights weights) {
        this.name = ctx.name();
        this.span = ctx.span();
        this.input = ctx.input();
        this.units = units;
        this.weights = weights;
    }

    static Layer build(LayerContext ctx) {
        Args a = ctx.args();
        int units = a.positiveInt("units", 1);
        Weights weights = Weights.from(a, 2);
        Shape in = ctx.input();
        if (!a.ok("units") || in == null) {
            return null;
        }
        if (in.rank() != 1) {
            ctx.error("Dense needs a flat input, but its input is " + in + ": add Flatten() before it");
            return null;
        }
        long kernel = (long) in.dim(0) * units;
        if (!ctx.checkArraySize("Dense kernel", kernel, in.dim(0) + "x" + units)) {
            return null;
        }
        return new Dense(ctx, units, weights);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kerasClass() {
        return "Dense";
    }

    @Override
    public Span span() {
        return span;
    }

    @Override
    public Shape inputShape() {
        return input;
    }

    @Override
    public Shape outputShape() {
        return Shape.of(units);
    }

    public int units() {
        return units;
    }

    public int inputs() {
        return input.dim(0);
    }

    public Weights weights() {
        return weights;
    }

    @Override
    public Activation activation() {
        return weights.activation();
    }

    @Override
    public long parameterCount() {
        return weights.parameterCount((long) inputs() * units, units);
    }

    @Override
    public long multiplyAdds() {
        return (long) inputs() * units;
    }
}
