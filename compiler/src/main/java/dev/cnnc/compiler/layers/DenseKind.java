package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.ir.DenseLayer;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Shape;
import dev.cnnc.compiler.ir.WeightOptions;
import java.util.List;

/** {@code Dense(units, activation=None, use_bias=True, ...)}: binds the arguments; the output is {@code (units)}. */
public final class DenseKind {
    public static final LayerKind KIND = new LayerKind("Dense", List.of(),
            Signature.of("Dense").required("units").optional(WeightArguments.PARAMETERS).keywordOnly("input_dim").build(),
            DenseKind::bind);

    private DenseKind() {}

    static Layer bind(LayerContext ctx) {
        Args a = ctx.args();
        int units = a.positiveInt("units", 1);
        WeightOptions options = WeightArguments.bind(a, 2);
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
        return new DenseLayer(ctx.name(), ctx.span(), in, Shape.of(units), units, options);
    }
}
