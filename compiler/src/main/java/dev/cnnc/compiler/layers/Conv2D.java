package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.diag.Span;
import dev.cnnc.compiler.model.DataFormat;
import dev.cnnc.compiler.model.Activation;
import dev.cnnc.compiler.model.Layer;
import dev.cnnc.compiler.model.Padding;
import dev.cnnc.compiler.model.Shape;
import java.util.List;

/**
 * {@code Conv2D(filters, kernel_size, strides=(1, 1), padding='valid', data_format=None,
 * dilation_rate=(1, 1), activation=None, use_bias=True, ...)}: a 2-D convolution, as in Keras 2.2.4.
 *
 * <p>Kernel layout {@code (kh, kw, in, filters)} whatever the data format; output size per axis
 * {@code floor((n - d(k-1) - 1) / s) + 1} with {@code valid}, {@code ceil(n / s)} with {@code same}.
 */
public final class Conv2D implements Layer {

    public static final LayerKind KIND = new LayerKind("Conv2D", List.of("Convolution2D"),
            Signature.of("Conv2D").required("filters", "kernel_size")
                    .optional("strides", "padding", "data_format", "dilation_rate").optional(Weights.PARAMETERS).build(),
            Conv2D::build);

    /** The arguments that decide the output shape; the others may be wrong without hiding later problems. */
    private static final String[] SHAPE_ARGUMENTS = {"filters", "kernel_size", "strides", "padding", "data_format",
        "dilation_rate"};

    private final String name;
    private final Span span;
    private final Shape input;
    private final Shape output;
    private final int filters;
    private final int[] kernel;
    private final int[] strides;
    private final int[] dilation;
    private final Padding padding;
    private final DataFormat dataFormat;
    private final Weights weights;

    private Conv2D(LayerContext ctx, Shape output, int filters, int[] kernel, int[] strides, int[] dilation,
            Padding padding, DataFormat dataFormat, Weights weights) {
        this.name = ctx.name();
        this.span = ctx.span();
        this.input = ctx.input();
        this.output = output;
        this.filters = filters;
        this.kernel = kernel;
        this.strides = strides;
        this.dilation = dilation;
        this.padding = padding;
        this.dataFormat = dataFormat;
        this.weights = weights;
    }

    static Layer build(LayerContext ctx) {
        Args a = ctx.args();
        int filters = a.positiveInt("filters", 1);
        int[] kernel = a.intPair("kernel_size", new int[] {1, 1});
        int[] strides = a.intPair("strides", new int[] {1, 1});
        Padding padding = a.padding("padding");
        DataFormat format = a.dataFormat("data_format");
        int[] dilation = a.intPair("dilation_rate", new int[] {1, 1});
        if ((strides[0] != 1 || strides[1] != 1) && (dilation[0] != 1 || dilation[1] != 1)) {
            a.error("strides", "strides other than 1 cannot be combined with dilation_rate other than 1 (Keras rule): "
                    + "found strides=" + pair(strides) + " and dilation_rate=" + pair(dilation));
        }
        Weights weights = Weights.from(a, 4);
        Shape in = ctx.input();
        if (!a.ok(SHAPE_ARGUMENTS) || in == null) {
            return null;
        }
        if (in.rank() != 3) {
            ctx.error("Conv2D needs an input of 3 dimensions (height, width, channels), but its input is flat ("
                    + in + " values)");
            return null;
        }
        int h = format.height(in);
        int w = format.width(in);
        int c = format.channels(in);
        long outH = padding.outputLength(h, kernel[0], strides[0], dilation[0]);
        long outW = padding.outputLength(w, kernel[1], strides[1], dilation[1]);
        if (outH < 1 || outW < 1) {
            ctx.error("Conv2D output would be " + Math.max(0, outH) + "x" + Math.max(0, outW) + ": kernel " + kernelText(kernel,
                    dilation) + " on " + in + " with padding '" + padding.keras() + "'");
            return null;
        }
        long kernelSize = (long) kernel[0] * kernel[1] * c * filters;
        if (!ctx.checkArraySize("Conv2D kernel", kernelSize, kernel[0] + "x" + kernel[1] + "x" + c + "x" + filters)) {
            return null;
        }
        Shape out = format.shape((int) outH, (int) outW, filters);
        if (!ctx.checkArraySize("Conv2D output", out.size(), out.toString())) {
            return null;
        }
        return new Conv2D(ctx, out, filters, kernel, strides, dilation, padding, format, weights);
    }

    private static String pair(int[] p) {
        return "(" + p[0] + ", " + p[1] + ")";
    }

    private static String kernelText(int[] kernel, int[] dilation) {
        String k = kernel[0] + "x" + kernel[1];
        if (dilation[0] == 1 && dilation[1] == 1) {
            return k;
        }
        return k + " dilated by " + pair(dilation) + " (spans " + (dilation[0] * (kernel[0] - 1) + 1) + "x"
                + (dilation[1] * (kernel[1] - 1) + 1) + ")";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kerasClass() {
        return "Conv2D";
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
        return output;
    }

    public int filters() {
        return filters;
    }

    public int inputChannels() {
        return dataFormat.channels(input);
    }

    public int[] kernelSize() {
        return kernel.clone();
    }

    public int[] strides() {
        return strides.clone();
    }

    public int[] dilation() {
        return dilation.clone();
    }

    public Padding padding() {
        return padding;
    }

    public DataFormat dataFormat() {
        return dataFormat;
    }

    public Weights weights() {
        return weights;
    }

    @Override
    public Activation activation() {
        return weights.activation();
    }

    /** Padding rows above the input. */
    public int padTop() {
        return padding.padBefore(dataFormat.height(input), kernel[0], strides[0], dilation[0]);
    }

    public int padBottom() {
        return padding.padAfter(dataFormat.height(input), kernel[0], strides[0], dilation[0]);
    }

    public int padLeft() {
        return padding.padBefore(dataFormat.width(input), kernel[1], strides[1], dilation[1]);
    }

    public int padRight() {
        return padding.padAfter(dataFormat.width(input), kernel[1], strides[1], dilation[1]);
    }

    public long kernelSize1D() {
        return (long) kernel[0] * kernel[1] * inputChannels() * filters;
    }

    @Override
    public long parameterCount() {
        return weights.parameterCount(kernelSize1D(), filters);
    }

    @Override
    public long multiplyAdds() {
        return (long) dataFormat.height(output) * dataFormat.width(output) * kernelSize1D();
    }
}
