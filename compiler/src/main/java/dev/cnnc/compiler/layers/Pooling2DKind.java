package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.Geometry2D;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Padding;
import dev.cnnc.compiler.ir.Pool2DLayer;
import dev.cnnc.compiler.ir.Pool2DLayer.Reduction;
import dev.cnnc.compiler.ir.Shape;
import java.util.List;

/**
 * The 2-D poolings: {@code MaxPooling2D(pool_size=(2, 2), strides=None, padding='valid',
 * data_format=None)}, alias {@code MaxPool2D}, and {@code AveragePooling2D} (same arguments), alias
 * {@code AvgPool2D}. {@code strides=None} means {@code pool_size}; output
 * sizes follow the convolution formulas.
 */
public final class Pooling2DKind {
    public static final LayerKind MAX = kind(Reduction.MAX, "MaxPool2D");
    public static final LayerKind AVERAGE = kind(Reduction.AVERAGE, "AvgPool2D");

    private Pooling2DKind() {}

    private static LayerKind kind(Reduction reduction, String alias) {
        String keras = reduction.kerasClass();
        return new LayerKind(keras, List.of(alias),
                Signature.of(keras).optional("pool_size", "strides", "padding", "data_format").build(),
                ctx -> bind(ctx, reduction));
    }

    static Layer bind(LayerContext ctx, Reduction reduction) {
        Args a = ctx.args();
        String keras = reduction.kerasClass();
        int[] pool = a.intPair("pool_size", new int[] {2, 2});
        int[] strides = a.intPairOrNone("strides");
        if (strides == null) {
            strides = pool;
        }
        Padding padding = a.padding("padding");
        DataFormat format = a.dataFormat("data_format");
        Shape in = ctx.input();
        if (!a.ok("pool_size", "strides", "padding", "data_format") || in == null || !Windows.checkRank3(ctx, keras)) {
            return null;
        }
        Geometry2D g = Geometry2D.of(in, format, pool, strides, new int[] {1, 1}, padding);
        if (!g.fits()) {
            ctx.error(keras + " output would be " + g.outHeight() + "x" + g.outWidth() + ": pool " + pool[0] + "x" + pool[1]
                    + " on " + in + " with padding '" + padding.keras() + "'");
            return null;
        }
        return new Pool2DLayer(ctx.name(), ctx.span(), in, g.outputShape(g.channels()), reduction, g);
    }
}
