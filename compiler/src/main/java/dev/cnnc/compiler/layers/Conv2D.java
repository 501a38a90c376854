package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.codegen.ActivationCode;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.VectorCode;
import dev.cnnc.compiler.codegen.Window;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.diag.Span;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Padding;
import dev.cnnc.compiler.ir.Regularizer;
import dev.cnnc.compiler.ir.Shape;
import dev.cnnc.compiler.ir.Weight;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Modifier;

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
                    .optional("strides", "padding", "data_format", "dilation_rate").optional(WeightOptions.PARAMETERS).build(),
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
    private final WeightOptions weights;

    private Conv2D(LayerContext ctx, Shape output, int filters, int[] kernel, int[] strides, int[] dilation,
            Padding padding, DataFormat dataFormat, WeightOptions weights) {
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
        WeightOptions weights = WeightOptions.from(a, 4);
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

    public WeightOptions weightOptions() {
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

    @Override
    public List<Weight> weights() {
        List<Weight> w = new ArrayList<>();
        w.add(Weight.of("kernel", new int[] {kernel[0], kernel[1], inputChannels(), filters}, weights.kernelInitializer(),
                weights.kernelRegularizer(), weights.kernelConstraint()));
        if (weights.useBias()) {
            w.add(Weight.of("bias", new int[] {filters}, weights.biasInitializer(), weights.biasRegularizer(),
                    weights.biasConstraint()));
        }
        return w;
    }

    @Override
    public Regularizer activityRegularizer() {
        return weights.activityRegularizer();
    }

    // ---------------------------------------------------------------------------------------------
    // Generated code. Channels-last keeps the filter loop innermost and contiguous in both the output
    // and the kernel (kh, kw, in, filters), so that C2 vectorizes it; channels-first is plain loops.

    private Window window() {
        int h = dataFormat.height(input);
        int w = dataFormat.width(input);
        return new Window(kernel[0], kernel[1], dilation[0], dilation[1], strides[0], strides[1], padTop(), padLeft(), h,
                w, dataFormat.height(output), dataFormat.width(output));
    }

    @Override
    public TypeSpec generate(LayerSite g) {
        Window win = window();
        String act = activation() == Activation.LINEAR ? "" : ActivationCode.describe(activation()) + " of ";
        TypeSpec.Builder t = g.classBuilder(filters + " filters of " + kernel[0] + "x" + kernel[1] + ", strides "
                + pair(strides) + ", dilation " + pair(dilation) + ", padding '" + padding.keras() + "' " + Arrays.toString(
                        new int[] {padTop(), padBottom(), padLeft(), padRight()}).replace('[', '(').replace(']', ')')
                + " (top, bottom, left, right), " + dataFormat.keras() + ", activation " + activation().keras());
        t.addField(LayerSite.constant("IN_HEIGHT", win.inHeight()));
        t.addField(LayerSite.constant("IN_WIDTH", win.inWidth()));
        t.addField(LayerSite.constant("IN_CHANNELS", inputChannels()));
        t.addField(LayerSite.constant("OUT_HEIGHT", win.outHeight()));
        t.addField(LayerSite.constant("OUT_WIDTH", win.outWidth()));
        t.addField(LayerSite.constant("FILTERS", filters));
        t.addField(LayerSite.constant("KERNEL_HEIGHT", kernel[0]));
        t.addField(LayerSite.constant("KERNEL_WIDTH", kernel[1]));
        t.addField(LayerSite.constant("STRIDE_HEIGHT", strides[0]));
        t.addField(LayerSite.constant("STRIDE_WIDTH", strides[1]));
        t.addField(LayerSite.constant("DILATION_HEIGHT", dilation[0]));
        t.addField(LayerSite.constant("DILATION_WIDTH", dilation[1]));
        t.addField(LayerSite.constant("PAD_TOP", padTop()));
        t.addField(LayerSite.constant("PAD_BOTTOM", padBottom()));
        t.addField(LayerSite.constant("PAD_LEFT", padLeft()));
        t.addField(LayerSite.constant("PAD_RIGHT", padRight()));
        t.addField(LayerSite.constant("IN_SIZE", input.size()));
        t.addField(LayerSite.constant("OUT_SIZE", output.size()));
        boolean last = dataFormat == DataFormat.CHANNELS_LAST;
        if (vectorized(g)) {
            return generateVector(g, t, win);
        }
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("out = $Lconv(in, kernel)$L, for the first {@code n} examples.\n", act,
                        weights.useBias() ? " + bias" : "")
                .addJavadoc("\n<p>in $L, out $L, kernel $L$L.\n", LayerSite.batch(input), LayerSite.batch(output),
                        LayerSite.dims(new int[] {kernel[0], kernel[1], inputChannels(), filters}),
                        weights.useBias() ? ", bias (" + filters + ")" : "")
                .addParameter(float[].class, "in").addParameter(float[].class, "out")
                .addParameter(float[].class, "kernel");
        if (weights.useBias()) {
            forward.addParameter(float[].class, "bias");
        }
        forward.addParameter(int.class, "n").addCode(last ? forwardChannelsLast(win) : forwardChannelsFirst(win));
        if (activation() != Activation.LINEAR) {
            forward.addStatement("activate(out, n)");
        }
        t.addMethod(forward.build());
        if (activation() != Activation.LINEAR) {
            int lastAxis = output.dim(2);
            t.addMethod(ActivationCode.forward(activation(), "OUT_SIZE", lastAxis));
            t.addMethod(ActivationCode.backward(activation(), "OUT_SIZE", lastAxis));
        }
        MethodSpec.Builder backward = MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("From {@code dOut}, the gradient of the pre-activation output: accumulates dKernel$L$L.\n",
                        weights.useBias() ? " and dBias" : "", g.computesInputGradient() ? " and sets dIn" : "")
                .addParameter(float[].class, "in").addParameter(float[].class, "dOut");
        if (g.computesInputGradient()) {
            backward.addParameter(float[].class, "dIn");
        }
        backward.addParameter(float[].class, "kernel").addParameter(float[].class, "dKernel");
        if (weights.useBias()) {
            backward.addParameter(float[].class, "dBias");
        }
        backward.addParameter(int.class, "n");
        if (g.computesInputGradient()) {
            backward.addStatement("$T.fill(dIn, 0, n * IN_SIZE, 0f)", Arrays.class);
        }
        backward.addCode(last ? backwardChannelsLast(win, g.computesInputGradient())
                : backwardChannelsFirst(win, g.computesInputGradient()));
        t.addMethod(backward.build());
        return t.build();
    }

    /** The Vector API variant applies to channels-last convolutions. */
    private boolean vectorized(LayerSite g) {
        return g.vector() && dataFormat == DataFormat.CHANNELS_LAST;
    }

    @Override
    public long scratchFloats(LayerSite g) {
        return vectorized(g) && g.computesInputGradient()
                ? VectorCode.convScratch((long) kernel[0] * kernel[1], inputChannels(), filters) : 0;
    }

    private TypeSpec generateVector(LayerSite g, TypeSpec.Builder t, Window win) {
        t.addFields(VectorCode.constants("FILTERS"));
        String act = activation() == Activation.LINEAR ? "" : ActivationCode.describe(activation()) + " of ";
        String doc = "out = " + act + "conv(in, kernel)" + (weights.useBias() ? " + bias" : "") + ", for the first {@code n}"
                + " examples.\n\n<p>in " + LayerSite.batch(input) + ", out " + LayerSite.batch(output) + ", kernel "
                + LayerSite.dims(new int[] {kernel[0], kernel[1], inputChannels(), filters}) + ". Vector API variant.\n";
        t.addMethods(VectorCode.convForward(weights.useBias(), activation() != Activation.LINEAR,
                VectorCode.interior(win.outWidth(), win.inWidth(), kernel[1], strides[1], dilation[1], padLeft()),
                padding == Padding.VALID, doc));
        if (activation() != Activation.LINEAR) {
            t.addMethod(ActivationCode.forward(activation(), "OUT_SIZE", output.dim(2)));
            t.addMethod(ActivationCode.backward(activation(), "OUT_SIZE", output.dim(2), true));
        }
        t.addMethods(VectorCode.convBackward(weights.useBias(), g.computesInputGradient(),
                "From {@code dOut}, the gradient of the pre-activation output: accumulates dKernel"
                        + (weights.useBias() ? " and dBias" : "") + (g.computesInputGradient() ? " and sets dIn" : "")
                        + ". Vector API variant.\n"));
        return t.build();
    }

    /** Loops over examples and output positions, setting {@code iy} and {@code ix} for the window. */
    private static CodeBlock.Builder positions(CodeBlock.Builder b) {
        return b.beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .addStatement("int iy = oy * STRIDE_HEIGHT - PAD_TOP")
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("int ix = ox * STRIDE_WIDTH - PAD_LEFT");
    }

    private CodeBlock forwardChannelsLast(Window win) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * FILTERS");
        if (weights.useBias()) {
            b.addStatement("$T.arraycopy(bias, 0, out, o, FILTERS)", System.class);
        } else {
            b.addStatement("$T.fill(out, o, o + FILTERS, 0f)", Arrays.class);
        }
        b.addStatement("int i");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = ((b * IN_HEIGHT + $L) * IN_WIDTH + $L) * IN_CHANNELS", Window.plus("iy", row),
                        Window.plus("ix", column))
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                .addStatement("float v = in[i + c]")
                .addStatement("int k = ($L * IN_CHANNELS + c) * FILTERS", tap)
                .beginControlFlow("for (int f = 0; f < FILTERS; f++)")
                .addStatement("out[o + f] += v * kernel[k + f]")
                .endControlFlow()
                .endControlFlow()
                .build()));
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }

    private CodeBlock backwardChannelsLast(Window win, boolean inputGradient) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * FILTERS");
        if (weights.useBias()) {
            b.beginControlFlow("for (int f = 0; f < FILTERS; f++)").addStatement("dBias[f] += dOut[o + f]").endControlFlow();
        }
        b.addStatement("int i");
        b.add(win.taps((row, column, tap) -> {
            CodeBlock.Builder t = CodeBlock.builder()
                    .addStatement("i = ((b * IN_HEIGHT + $L) * IN_WIDTH + $L) * IN_CHANNELS", Window.plus("iy", row),
                            Window.plus("ix", column))
                    .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                    .addStatement("float v = in[i + c]")
                    .addStatement("int k = ($L * IN_CHANNELS + c) * FILTERS", tap);
            if (inputGradient) {
                t.addStatement("float s = 0f");
            }
            t.beginControlFlow("for (int f = 0; f < FILTERS; f++)")
                    .addStatement("float d = dOut[o + f]")
                    .addStatement("dKernel[k + f] += v * d");
            if (inputGradient) {
                t.addStatement("s += kernel[k + f] * d");
            }
            t.endControlFlow();
            if (inputGradient) {
                t.addStatement("dIn[i + c] += s");
            }
            return t.endControlFlow().build();
        }));
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }

    private static String inIndexFirst(String row, String column) {
        return "((b * IN_CHANNELS + c) * IN_HEIGHT + " + Window.plus("iy", row) + ") * IN_WIDTH + " + Window.plus("ix", column);
    }

    private CodeBlock forwardChannelsFirst(Window win) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int f = 0; f < FILTERS; f++)");
        positions(b).addStatement("float s = $L", weights.useBias() ? "bias[f]" : "0f");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                .addStatement("s += in[$L] * kernel[($L * IN_CHANNELS + c) * FILTERS + f]", inIndexFirst(row, column), tap)
                .endControlFlow()
                .build()));
        b.addStatement("out[((b * FILTERS + f) * OUT_HEIGHT + oy) * OUT_WIDTH + ox] = s");
        return b.endControlFlow().endControlFlow().endControlFlow().endControlFlow().build();
    }

    private CodeBlock backwardChannelsFirst(Window win, boolean inputGradient) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int f = 0; f < FILTERS; f++)");
        positions(b).addStatement("float d = dOut[((b * FILTERS + f) * OUT_HEIGHT + oy) * OUT_WIDTH + ox]");
        if (weights.useBias()) {
            b.addStatement("dBias[f] += d");
        }
        b.add(win.taps((row, column, tap) -> {
            CodeBlock.Builder t = CodeBlock.builder()
                    .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                    .addStatement("int i = $L", inIndexFirst(row, column))
                    .addStatement("int k = ($L * IN_CHANNELS + c) * FILTERS + f", tap)
                    .addStatement("dKernel[k] += in[i] * d");
            if (inputGradient) {
                t.addStatement("dIn[i] += kernel[k] * d");
            }
            return t.endControlFlow().build();
        }));
        return b.endControlFlow().endControlFlow().endControlFlow().endControlFlow().build();
    }

    @Override
    public CodeBlock forwardCall(LayerSite g) {
        List<Weight> w = weights();
        return CodeBlock.builder().addStatement("$T.forward($L, $L, $L$L, n)", g.className(), g.in(), g.out(),
                g.weightField(w.get(0)), weights.useBias() ? ", " + g.weightField(w.get(1)) : "").build();
    }

    @Override
    public CodeBlock backwardCall(LayerSite g) {
        List<Weight> w = weights();
        return CodeBlock.builder().addStatement("$T.backward($L, $L$L, $L, $L$L$L, n)", g.className(), g.in(), g.dOut(),
                g.computesInputGradient() ? ", " + g.dIn() : "", g.weightField(w.get(0)), g.weightGradientField(w.get(0)),
                weights.useBias() ? ", " + g.weightGradientField(w.get(1)) : "",
                scratchFloats(g) > 0 ? ", " + g.scratchFloatField() : "").build();
    }
}
