package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.diag.Span;
import dev.cnnc.compiler.model.DataFormat;
import dev.cnnc.compiler.model.Layer;
import dev.cnnc.compiler.model.Padding;
import dev.cnnc.compiler.model.Shape;
import java.util.List;

/**
 * {@code MaxPooling2D(pool_size=(2, 2), strides=None, padding='valid', data_format=None)}, alias
 * {@code MaxPool2D}: the maximum of each window; {@code strides=None} means {@code pool_size}.
 * Output sizes follow the convolution formulas (floor with {@code valid}); with {@code same}, padded
 * cells never win the maximum.
 */
public final class MaxPooling2D implements Layer {

    public static final LayerKind KIND = new LayerKind("MaxPooling2D", List.of("MaxPool2D"),
            Signature.of("MaxPooling2D").optional("pool_size", "strides", "padding", "data_format").build(),
            MaxPooling2D::build);

    private final String name;
    private final Span span;
    private final Shape input;
    private final Shape output;
    private final int[] pool;
    private final int[] strides;
    private final Padding padding;
    private final DataFormat dataFormat;

    private MaxPooling2D(LayerContext ctx, Shape output, int[] pool, int[] strides, Padding padding,
            DataFormat dataFormat) {
        this.name = ctx.name();
        this.span = ctx.span();
        this.input = ctx.input();
        this.output = output;
        this.pool = pool;
        this.strides = strides;
        this.padding = padding;
        this.dataFormat = dataFormat;
    }

    static Layer build(LayerContext ctx) {
        Args a = ctx.args();
        int[] pool = a.intPair("pool_size", new int[] {2, 2});
        int[] strides = a.intPairOrNone("strides");
        if (strides == null) {
            strides = pool;
        }
        Padding padding = a.padding("padding");
        DataFormat format = a.dataFormat("data_format");
        Shape in = ctx.input();
        if (!a.ok("pool_size", "strides", "padding", "data_format") || in == null) {
            return null;
        }
        if (in.rank() != 3) {
            ctx.error("MaxPooling2D needs an input of 3 dimensions (height, width, channels), but its input is flat ("
                    + in + " values)");
            return null;
        }
        long outH = padding.outputLength(format.height(in), pool[0], strides[0], 1);
        long outW = padding.outputLength(format.width(in), pool[1], strides[1], 1);
        if (outH < 1 || outW < 1) {
            ctx.error("MaxPooling2D output would be " + Math.max(0, outH) + "x" + Math.max(0, outW) + ": pool " + pool[0]
                    + "x" + pool[1] + " on " + in + " with padding '" + padding.keras() + "'");
            return null;
        }
        return new MaxPooling2D(ctx, format.shape((int) outH, (int) outW, format.channels(in)), pool, strides, padding,
                format);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kerasClass() {
        return "MaxPooling2D";
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

    public int[] poolSize() {
        return pool.clone();
    }

    public int[] strides() {
        return strides.clone();
    }

    public Padding padding() {
        return padding;
    }

    public DataFormat dataFormat() {
        return dataFormat;
    }

    public int padTop() {
        return padding.padBefore(dataFormat.height(input), pool[0], strides[0], 1);
    }

    public int padBottom() {
        return padding.padAfter(dataFormat.height(input), pool[0], strides[0], 1);
    }

    public int padLeft() {
        return padding.padBefore(dataFormat.width(input), pool[1], strides[1], 1);
    }

    public int padRight() {
        return padding.padAfter(dataFormat.width(input), pool[1], strides[1], 1);
    }

    @Override
    public long parameterCount() {
        return 0;
    }

    /** Pooling multiplies nothing; its comparisons are not counted. */
    @Override
    public long multiplyAdds() {
        return 0;
    }
}
