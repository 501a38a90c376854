package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.Geometry2D;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Padding;
import dev.cnnc.compiler.ir.Shape;
import dev.cnnc.compiler.ir.WeightOptions;
import java.util.List;

/**
 * {@code Conv2D(filters, kernel_size, strides=(1, 1), padding='valid', data_format=None,
 * dilation_rate=(1, 1), activation=None, use_bias=True, ...)}, alias {@code Convolution2D}: a 2-D
 * convolution, as in Keras 2.2.4. Binds the arguments and infers the output shape.
 */
public final class Conv2DKind {
    public static final LayerKind KIND = new LayerKind("Conv2D", List.of("Convolution2D"),
            Signature.of("Conv2D").required("filters", "kernel_size")
                    .optional("strides", "padding", "data_format", "dilation_rate").optional(WeightArguments.PARAMETERS)
                    .build(),
            Conv2DKind::bind);

    /** The arguments that decide the output shape; the others may be wrong without hiding later problems. */
    private static final String[] SHAPE_ARGUMENTS = {"filters", "kernel_size", "strides", "padding", "data_format",
        "dilation_rate"};

    private Conv2DKind() {}

    static Layer bind(LayerContext ctx) {
        Args a = ctx.args();
        int filters = a.positiveInt("filters", 1);
        int[] kernel = a.intPair("kernel_size", new int[] {1, 1});
        int[] strides = a.intPair("strides", new int[] {1, 1});
        Padding padding = a.padding("padding");
        DataFormat format = a.dataFormat("data_format");
        int[] dilation = a.intPair("dilation_rate", new int[] {1, 1});
        if ((strides[0] != 1 || strides[1] != 1) && (dilation[0] != 1 || dilation[1] != 1)) {
            a.error("strides", "strides other than 1 cannot be combined with dilation_rate other than 1 (Keras rule): "
                    + "found strides=" + Windows.pair(strides) + " and dilation_rate=" + Windows.pair(dilation));
        }
        WeightOptions options = WeightArguments.bind(a, 4);
        Shape in = ctx.input();
        if (!a.ok(SHAPE_ARGUMENTS) || in == null || !Windows.checkRank3(ctx, "Conv2D")) {
            return null;
        }
        Geometry2D g = Geometry2D.of(in, format, kernel, strides, dilation, padding);
        if (!g.fits()) {
            ctx.error("Conv2D output would be " + g.outHeight() + "x" + g.outWidth() + ": kernel "
                    + Windows.kernelText(kernel, dilation) + " on " + in + " with padding '" + padding.keras() + "'");
            return null;
        }
        long kernelSize = (long) kernel[0] * kernel[1] * g.channels() * filters;
        if (!ctx.checkArraySize("Conv2D kernel", kernelSize, kernel[0] + "x" + kernel[1] + "x" + g.channels() + "x" + filters)) {
            return null;
        }
        Shape out = g.outputShape(filters);
        if (!ctx.checkArraySize("Conv2D output", out.size(), out.toString())) {
            return null;
        }
        return new Conv2DLayer(ctx.name(), ctx.span(), in, out, filters, g, options);
    }
}
