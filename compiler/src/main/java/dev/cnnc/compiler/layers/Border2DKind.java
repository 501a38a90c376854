package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.ir.Border2DLayer;
import dev.cnnc.compiler.ir.Border2DLayer.Kind;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Shape;
import java.util.List;

/**
 * {@code ZeroPadding2D(padding=(1, 1), data_format=None)} and
 * {@code Cropping2D(cropping=((0, 0), (0, 0)), data_format=None)}: the border as an integer,
 * {@code (rows, columns)} or {@code ((top, bottom), (left, right))}.
 */
public final class Border2DKind {
    public static final LayerKind ZERO_PADDING = new LayerKind("ZeroPadding2D", List.of(),
            Signature.of("ZeroPadding2D").optional("padding", "data_format").build(),
            ctx -> bind(ctx, Kind.ZERO_PADDING, "padding", new int[] {1, 1, 1, 1}));
    public static final LayerKind CROPPING = new LayerKind("Cropping2D", List.of(),
            Signature.of("Cropping2D").optional("cropping", "data_format").build(),
            ctx -> bind(ctx, Kind.CROPPING, "cropping", new int[] {0, 0, 0, 0}));

    private Border2DKind() {}

    static Layer bind(LayerContext ctx, Kind kind, String argument, int[] fallback) {
        Args a = ctx.args();
        int[] b = a.border2D(argument, fallback);
        DataFormat format = a.dataFormat("data_format");
        Shape in = ctx.input();
        String keras = kind.kerasClass();
        if (!a.ok(argument, "data_format") || in == null || !Windows.checkRank3(ctx, keras)) {
            return null;
        }
        int h = format.height(in);
        int w = format.width(in);
        int c = format.channels(in);
        long outH;
        long outW;
        if (kind == Kind.ZERO_PADDING) {
            outH = (long) h + b[0] + b[1];
            outW = (long) w + b[2] + b[3];
            if (outH > Args.MAX_DIMENSION || outW > Args.MAX_DIMENSION) {
                a.error(argument, String.format("ZeroPadding2D output would be %dx%d, larger than the limit of %,d per "
                        + "dimension", outH, outW, Args.MAX_DIMENSION));
                return null;
            }
        } else {
            outH = (long) h - b[0] - b[1];
            outW = (long) w - b[2] - b[3];
            if (outH < 1 || outW < 1) {
                a.error(argument, "Cropping2D crops " + (b[0] + b[1]) + " rows and " + (b[2] + b[3]) + " columns from "
                        + h + "x" + w + " (input " + in + "): nothing would be left");
                return null;
            }
        }
        Shape out = format.shape((int) outH, (int) outW, c);
        return new Border2DLayer(ctx.name(), ctx.span(), in, out, kind, format, b[0], b[1], b[2], b[3]);
    }
}
