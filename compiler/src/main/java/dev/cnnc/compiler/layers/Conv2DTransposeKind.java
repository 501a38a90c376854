package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.ir.Conv2DTransposeLayer;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.Geometry2D;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Padding;
import dev.cnnc.compiler.ir.Shape;
import dev.cnnc.compiler.ir.WeightOptions;
import java.util.List;

/**
 * {@code Conv2DTranspose(filters, kernel_size, strides=(1, 1), padding='valid', output_padding=None,
 * data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True, ...)}, alias
 * {@code Deconvolution2D} and {@code Deconv2D}, as Keras 2.2.4: output sizes by {@code conv_utils.deconv_length}, the
 * computation by TensorFlow's {@code conv2d_transpose} (dilated: {@code atrous_conv2d_transpose}).
 */
public final class Conv2DTransposeKind {
    public static final LayerKind KIND = new LayerKind("Conv2DTranspose", List.of("Deconvolution2D", "Deconv2D"),
            Signature.of("Conv2DTranspose").required("filters", "kernel_size")
                    .optional("strides", "padding", "output_padding", "data_format", "dilation_rate")
                    .optional(WeightArguments.PARAMETERS).build(),
            Conv2DTransposeKind::bind);

    private static final String[] SHAPE_ARGUMENTS = {"filters", "kernel_size", "strides", "padding", "output_padding",
        "data_format", "dilation_rate"};

    private Conv2DTransposeKind() {}

    /** Keras 2.2.4 {@code conv_utils.deconv_length}, for 'valid' and 'same'. */
    static long deconvLength(long n, int s, int k, Padding padding, Integer outputPadding, int d) {
        long kernel = k + (long) (k - 1) * (d - 1);
        if (outputPadding == null) {
            return padding == Padding.VALID ? n * s + Math.max(kernel - s, 0) : n * s;
        }
        long pad = padding == Padding.SAME ? kernel / 2 : 0;
        return (n - 1) * s + kernel - 2 * pad + outputPadding;
    }

    static Layer bind(LayerContext ctx) {
        Args a = ctx.args();
        int filters = a.positiveInt("filters", 1);
        int[] kernel = a.intPair("kernel_size", new int[] {1, 1});
        int[] strides = a.intPair("strides", new int[] {1, 1});
        Padding padding = a.padding("padding");
        int[] outputPadding = a.nonNegativePairOrNone("output_padding");
        DataFormat format = a.dataFormat("data_format");
        int[] dilation = a.intPair("dilation_rate", new int[] {1, 1});
        if (outputPadding != null && (outputPadding[0] >= strides[0] || outputPadding[1] >= strides[1])) {
            a.error("output_padding", "strides " + Windows.pair(strides) + " must be greater than output_padding "
                    + Windows.pair(outputPadding) + " (Keras rule)");
        }
        if (dilation[0] != 1 || dilation[1] != 1) {
            if (strides[0] != 1 || strides[1] != 1) {
                a.error("strides", "strides other than 1 cannot be combined with dilation_rate other than 1 (Keras rule): "
                        + "found strides=" + Windows.pair(strides) + " and dilation_rate=" + Windows.pair(dilation));
            } else if (dilation[0] != dilation[1]) {
                a.error("dilation_rate", "Conv2DTranspose needs the same dilation_rate on both axes (TensorFlow's "
                        + "atrous_conv2d_transpose), found " + Windows.pair(dilation));
            }
        }
        WeightOptions options = WeightArguments.bind(a, 4);
        Shape in = ctx.input();
        if (!a.ok(SHAPE_ARGUMENTS) || in == null || !Windows.checkRank3(ctx, "Conv2DTranspose")) {
            return null;
        }
        int h = format.height(in);
        int w = format.width(in);
        long outH = deconvLength(h, strides[0], kernel[0], padding, outputPadding == null ? null : outputPadding[0],
                dilation[0]);
        long outW = deconvLength(w, strides[1], kernel[1], padding, outputPadding == null ? null : outputPadding[1],
                dilation[1]);
        if (outH > Args.MAX_DIMENSION || outW > Args.MAX_DIMENSION) {
            ctx.error(String.format("Conv2DTranspose output would be %dx%d, larger than the limit of %,d per dimension",
                    outH, outW, Args.MAX_DIMENSION));
            return null;
        }
        if (outH < 1 || outW < 1) {
            ctx.error("Conv2DTranspose output would be " + outH + "x" + outW + ": kernel " + Windows.kernelText(kernel, dilation)
                    + " on " + in + " with padding '" + padding.keras() + "'");
            return null;
        }
        Shape out = format.shape((int) outH, (int) outW, filters);
        Geometry2D g = Geometry2D.of(out, format, kernel, strides, dilation, padding);
        if (g.outHeight() != h || g.outWidth() != w) {
            ctx.error("Conv2DTranspose output " + outH + "x" + outW + " does not convolve back to the input's " + h + "x" + w
                    + " (it gives " + g.outHeight() + "x" + g.outWidth() + "): TensorFlow rejects this kernel, stride, "
                    + "padding and output_padding");
            return null;
        }
        int channels = format.channels(in);
        long kernelSize = (long) kernel[0] * kernel[1] * filters * channels;
        if (!ctx.checkArraySize("Conv2DTranspose kernel", kernelSize, kernel[0] + "x" + kernel[1] + "x" + filters + "x"
                + channels) || !ctx.checkArraySize("Conv2DTranspose output", out.size(), out.toString())) {
            return null;
        }
        return new Conv2DTransposeLayer(ctx.name(), ctx.span(), in, out, filters, g, outputPadding, options);
    }
}
