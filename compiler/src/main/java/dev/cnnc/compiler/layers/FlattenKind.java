package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.FlattenLayer;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Shape;
import java.util.List;

/** {@code Flatten(data_format=None)}: binds the argument; the output is the input's size as one vector. */
public final class FlattenKind {
    public static final LayerKind KIND = new LayerKind("Flatten", List.of(),
            Signature.of("Flatten").optional("data_format").build(), FlattenKind::bind);

    private FlattenKind() {}

    static Layer bind(LayerContext ctx) {
        DataFormat format = ctx.args().dataFormat("data_format");
        Shape in = ctx.input();
        if (!ctx.args().ok("data_format") || in == null) {
            return null;
        }
        if (in.rank() < 2) {
            ctx.error("Flatten needs an input of at least 2 dimensions, but its input (" + in + " values) is already flat");
            return null;
        }
        return new FlattenLayer(ctx.name(), ctx.span(), in, Shape.of((int) in.size()), format);
    }
}
