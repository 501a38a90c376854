package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Shape;
import dev.cnnc.compiler.ir.UpSampling2DLayer;
import dev.cnnc.compiler.ir.UpSampling2DLayer.Interpolation;
import java.util.List;

/** {@code UpSampling2D(size=(2, 2), data_format=None, interpolation='nearest')}: output {@code (h*sh, w*sw, c)}. */
public final class UpSampling2DKind {
    public static final LayerKind KIND = new LayerKind("UpSampling2D", List.of(),
            Signature.of("UpSampling2D").optional("size", "data_format", "interpolation").build(), UpSampling2DKind::bind);

    private UpSampling2DKind() {}

    static Layer bind(LayerContext ctx) {
        Args a = ctx.args();
        int[] size = a.intPair("size", new int[] {2, 2});
        DataFormat format = a.dataFormat("data_format");
        Interpolation interpolation = a.choice("interpolation", "nearest", List.of("nearest", "bilinear"))
                .equals("bilinear") ? Interpolation.BILINEAR : Interpolation.NEAREST;
        Shape in = ctx.input();
        if (!a.ok("size", "data_format", "interpolation") || in == null || !Windows.checkRank3(ctx, "UpSampling2D")) {
            return null;
        }
        long h = (long) format.height(in) * size[0];
        long w = (long) format.width(in) * size[1];
        if (h > Args.MAX_DIMENSION || w > Args.MAX_DIMENSION) {
            a.error("size", String.format("UpSampling2D output would be %dx%d, larger than the limit of %,d per dimension",
                    h, w, Args.MAX_DIMENSION));
            return null;
        }
        Shape out = format.shape((int) h, (int) w, format.channels(in));
        return new UpSampling2DLayer(ctx.name(), ctx.span(), in, out, size[0], size[1], interpolation, format);
    }
}
