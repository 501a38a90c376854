package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.DepthwiseConv2DLayer;
import dev.cnnc.compiler.ir.Geometry2D;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Padding;
import dev.cnnc.compiler.ir.Shape;
import dev.cnnc.compiler.ir.WeightOptions;
import java.util.List;

/**
 * {@code DepthwiseConv2D(kernel_size, strides=(1, 1), padding='valid', depth_multiplier=1,
 * data_format=None, activation=None, use_bias=True, depthwise_initializer='glorot_uniform',
 * bias_initializer='zeros', depthwise_regularizer=None, bias_regularizer=None,
 * activity_regularizer=None, depthwise_constraint=None, bias_constraint=None)}, as Keras 2.2.4.
 */
public final class DepthwiseConv2DKind {
    public static final LayerKind KIND = new LayerKind("DepthwiseConv2D", List.of(),
            Signature.of("DepthwiseConv2D").required("kernel_size")
                    .optional("strides", "padding", "depth_multiplier", "data_format")
                    .optional(WeightArguments.parameters("depthwise")).build(),
            DepthwiseConv2DKind::bind);

    private static final String[] SHAPE_ARGUMENTS = {"kernel_size", "strides", "padding", "depth_multiplier",
        "data_format"};

    private DepthwiseConv2DKind() {}

    static Layer bind(LayerContext ctx) {
        Args a = ctx.args();
        int[] kernel = a.intPair("kernel_size", new int[] {1, 1});
        int[] strides = a.intPair("strides", new int[] {1, 1});
        Padding padding = a.padding("padding");
        int multiplier = a.positiveInt("depth_multiplier", 1);
        DataFormat format = a.dataFormat("data_format");
        WeightOptions options = WeightArguments.bind(a, 4, "depthwise");
        Shape in = ctx.input();
        if (!a.ok(SHAPE_ARGUMENTS) || in == null || !Windows.checkRank3(ctx, "DepthwiseConv2D")) {
            return null;
        }
        Geometry2D g = Geometry2D.of(in, format, kernel, strides, new int[] {1, 1}, padding);
        if (!g.fits()) {
            ctx.error("DepthwiseConv2D output would be " + g.outHeight() + "x" + g.outWidth() + ": kernel " + kernel[0] + "x"
                    + kernel[1] + " on " + in + " with padding '" + padding.keras() + "'");
            return null;
        }
        long channels = (long) g.channels() * multiplier;
        long kernelSize = (long) kernel[0] * kernel[1] * channels;
        if (channels > Args.MAX_DIMENSION || !ctx.checkArraySize("DepthwiseConv2D kernel", kernelSize, kernel[0] + "x"
                + kernel[1] + "x" + g.channels() + "x" + multiplier)) {
            if (channels > Args.MAX_DIMENSION) {
                a.error("depth_multiplier", String.format("DepthwiseConv2D would have %,d output channels (the limit is %,d)",
                        channels, Args.MAX_DIMENSION));
            }
            return null;
        }
        Shape out = g.outputShape((int) channels);
        if (!ctx.checkArraySize("DepthwiseConv2D output", out.size(), out.toString())) {
            return null;
        }
        return new DepthwiseConv2DLayer(ctx.name(), ctx.span(), in, out, multiplier, g, options);
    }
}
