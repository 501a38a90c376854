package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.GlobalPool2DLayer;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Pool2DLayer.Reduction;
import dev.cnnc.compiler.ir.Shape;
import java.util.List;

/**
 * {@code GlobalMaxPooling2D(data_format=None)} (alias {@code GlobalMaxPool2D}) and
 * {@code GlobalAveragePooling2D(data_format=None)} (alias {@code GlobalAvgPool2D}): a rank-3 input
 * to {@code (channels)}.
 */
public final class GlobalPooling2DKind {
    public static final LayerKind MAX = kind(Reduction.MAX, "GlobalMaxPool2D");
    public static final LayerKind AVERAGE = kind(Reduction.AVERAGE, "GlobalAvgPool2D");

    private GlobalPooling2DKind() {}

    private static LayerKind kind(Reduction reduction, String alias) {
        String keras = "Global" + reduction.kerasClass();
        return new LayerKind(keras, List.of(alias), Signature.of(keras).optional("data_format").build(),
                ctx -> bind(ctx, reduction, keras));
    }

    static Layer bind(LayerContext ctx, Reduction reduction, String keras) {
        DataFormat format = ctx.args().dataFormat("data_format");
        Shape in = ctx.input();
        if (!ctx.args().ok("data_format") || in == null || !Windows.checkRank3(ctx, keras)) {
            return null;
        }
        return new GlobalPool2DLayer(ctx.name(), ctx.span(), in, Shape.of(format.channels(in)), reduction, format);
    }
}
