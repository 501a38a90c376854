package dev.cnnc.compiler.codegen.vector;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.ir.Geometry2D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The depthwise passes of a channels-last depthwise convolution with depth multiplier 1, as valid
 * convolutions with their sums in registers: a padded convolution is the valid convolution of its
 * input copied inside zero borders (into the scratch buffer), so no tap needs a border test and each
 * output vector is summed over its taps in a register, four output pixels at a time, instead of being
 * added into memory tap by tap (which chained every tap through a store and a load, 20 us per 28x28x16
 * example). The kernel's vectors of a channel block stay in registers across the whole image.
 *
 * <p>Backward: the kernel gradient sums, per tap, the padded input times the output gradient over
 * every pixel in one register per tap. The input gradient of a stride-1 convolution is the valid
 * convolution of the output gradient, copied inside zero borders, with the kernel turned by 180
 * degrees (a gather: each input pixel's gradient summed in a register and stored once); with
 * strides, the input pixels fall into classes (row and column modulo the strides) reached by the same
 * taps, and each class is such a gather over its taps.
 *
 * <p>Expects in the layer class: {@code S}, {@code L}, {@code C_VEC} (channels done with vectors),
 * the header's constants, and the middle tensor and its gradient at {@code scratch[0 ..]} and {@code
 * scratch[MIDDLE_SIZE ..]}. Windows of up to {@link dev.cnnc.compiler.codegen.Window#MAX_UNROLLED}
 * taps.
 */
final class VectorDepthwise {
    private static final ClassName FV = VectorTypes.FLOAT_VECTOR;

    /** Output pixels summed at once: four independent chains of FMAs. */
    private static final int PIXELS = 4;

    /** Kernels with up to this many taps keep their vectors in registers (with 4 sums: 14 of AVX2's 16). */
    private static final int HOISTED_TAPS = 9;

    private final Geometry2D g;
    private final boolean padded;
    private final boolean inputGradient;
    private final boolean gather;
    /** The input gradient with strides: a gather per class of input pixels (their row and column modulo the strides). */
    private final boolean strided;
    private final String src;
    private final String srcAt;
    private final String srcWidth;
    private final int srcColumns;
    private final String ch;
    private final String kernel;
    private final String dKernel;
    private final String bias;
    private final String out;
    private final String outAt;
    private final String grad;
    private final String gradAt;
    private final boolean declarePads;
    /** The forward pass applies relu as it stores each output vector. */
    private final boolean relu;

    private VectorDepthwise(Geometry2D g, boolean inputGradient, String ch, String kernel, String bias, String out,
            String outAt, String grad, String gradAt, boolean declarePads, boolean relu) {
        this.g = g;
        this.padded = g.padTop() + g.padBottom() + g.padLeft() + g.padRight() > 0;
        this.inputGradient = inputGradient;
        this.gather = inputGradient && g.strideHeight() == 1 && g.strideWidth() == 1;
        this.strided = inputGradient && !gather;
        this.src = padded ? "scratch" : "in";
        this.srcAt = padded ? "PADDED_AT" : "b * IN_SIZE";
        this.srcWidth = padded ? "PADDED_WIDTH" : "IN_WIDTH";
        this.srcColumns = padded ? paddedWidth() : g.inWidth();
        this.ch = ch;
        this.kernel = kernel;
        this.dKernel = "d" + Character.toUpperCase(kernel.charAt(0)) + kernel.substring(1);
        this.bias = bias;
        this.out = out;
        this.outAt = outAt;
        this.grad = grad;
        this.gradAt = gradAt;
        this.declarePads = declarePads;
        this.relu = relu;
    }

    /**
     * SeparableConv2D's depthwise passes: into the middle tensor at scratch[0 ..], its gradient at scratch[MIDDLE_SIZE
     * ..]; {@code inputGradient}: the layer computes dIn.
     */
    static VectorDepthwise separable(Geometry2D g, boolean inputGradient) {
        return new VectorDepthwise(g, inputGradient, "MIDDLE_CHANNELS", "depthwiseKernel", null, "scratch", "0", "scratch",
                "MIDDLE_SIZE", true, false);
    }

    /**
     * DepthwiseConv2D's passes: out and dOut of example b, with the bias if it has one; dIn if {@code inputGradient};
     * {@code relu}: the forward pass applies relu as it stores the outputs (no pass of its own).
     */
    static VectorDepthwise depthwise(Geometry2D g, boolean bias, boolean inputGradient, boolean relu) {
        return new VectorDepthwise(g, inputGradient, "OUT_CHANNELS", "kernel", bias ? "bias" : null, "out", "b * OUT_SIZE",
                "dOut", "b * OUT_SIZE", false, relu);
    }

    /** Floats of scratch the passes use after their start: the padded input, and the padded output gradient. */
    long scratchFloats() {
        long p = padded ? (long) paddedHeight() * paddedWidth() * g.channels() : 0;
        long q = gather ? (long) gradientHeight() * gradientWidth() * g.channels() : 0;
        if (strided) {
            q = (long) (g.outHeight() + border(true, true) + border(true, false))
                    * (g.outWidth() + border(false, true) + border(false, false)) * g.channels();
        }
        return p + q;
    }

    /** The stride of rows ({@code rows}) or columns. */
    private int stride(boolean rows) {
        return rows ? g.strideHeight() : g.strideWidth();
    }

    /** The kernel rows (or columns) whose taps reach the input rows (columns) {@code r} modulo the stride. */
    private List<Integer> classTaps(boolean rows, int r) {
        int k = rows ? g.kernelHeight() : g.kernelWidth();
        int d = rows ? g.dilationHeight() : g.dilationWidth();
        int pad = rows ? g.padTop() : g.padLeft();
        List<Integer> taps = new ArrayList<>();
        for (int t = 0; t < k; t++) {
            if (Math.floorMod(r + pad - t * d, stride(rows)) == 0) {
                taps.add(t);
            }
        }
        return taps;
    }

    /**
     * The output row (column) that kernel row (column) {@code t} reaches from the first input row (column) of
     * class {@code r}; from the class's j-th row, j rows further.
     */
    private int classShift(boolean rows, int r, int t) {
        int d = rows ? g.dilationHeight() : g.dilationWidth();
        int pad = rows ? g.padTop() : g.padLeft();
        return Math.floorDiv(r + pad - t * d, stride(rows));
    }

    /** The input rows (columns) of class {@code r}: r, r + stride, ... below the input's height (width). */
    private int classCount(boolean rows, int r) {
        int in = rows ? g.inHeight() : g.inWidth();
        return r < in ? (in - 1 - r) / stride(rows) + 1 : 0;
    }

    /**
     * Zero rows (columns) the strided input gradient's copy of the output gradient needs before ({@code
     * before}) or after it, so that every tap of every class reads inside it.
     */
    private int border(boolean rows, boolean before) {
        int out = rows ? g.outHeight() : g.outWidth();
        int need = 0;
        for (int r = 0; r < stride(rows); r++) {
            int count = classCount(rows, r);
            if (count == 0) {
                continue;
            }
            for (int t : classTaps(rows, r)) {
                int shift = classShift(rows, r, t);
                need = Math.max(need, before ? -shift : count - 1 + shift - (out - 1));
            }
        }
        return need;
    }

    private int paddedHeight() {
        return g.inHeight() + g.padTop() + g.padBottom();
    }

    private int paddedWidth() {
        return g.inWidth() + g.padLeft() + g.padRight();
    }

    private int span(int kernel, int dilation) {
        return (kernel - 1) * dilation;
    }

    private int gradientHeight() {
        return g.inHeight() + span(g.kernelHeight(), g.dilationHeight());
    }

    private int gradientWidth() {
        return g.inWidth() + span(g.kernelWidth(), g.dilationWidth());
    }

    /** The constants of the padded buffers; {@code start} is the scratch offset where they begin. */
    List<FieldSpec> constants(String start) {
        List<FieldSpec> f = new ArrayList<>();
        if (padded && declarePads) {
            f.add(LayerSite.constant("PAD_BOTTOM", g.padBottom()));
            f.add(LayerSite.constant("PAD_RIGHT", g.padRight()));
        }
        if (padded) {
            f.add(doc(LayerSite.constant("PADDED_WIDTH", paddedWidth()), "Columns of the input inside its zero borders.\n"));
            f.add(doc(LayerSite.constant("PADDED_SIZE", (long) paddedHeight() * paddedWidth() * g.channels()),
                    "Floats of one example's input inside its zero borders.\n"));
            f.add(FieldSpec.builder(int.class, "PADDED_AT", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .initializer(start).addJavadoc("Where scratch holds the padded input.\n").build());
        }
        if (gather) {
            f.add(doc(LayerSite.constant("GRADIENT_TOP", span(g.kernelHeight(), g.dilationHeight()) - g.padTop()),
                    "Zero rows above the output gradient in its padded copy (the input gradient is its valid\n"
                            + "convolution with the kernel turned by 180 degrees).\n"));
            f.add(doc(LayerSite.constant("GRADIENT_LEFT", span(g.kernelWidth(), g.dilationWidth()) - g.padLeft()),
                    "Zero columns left of the output gradient in its padded copy.\n"));
            f.add(doc(LayerSite.constant("GRADIENT_BOTTOM", gradientHeight() - g.outHeight()
                    - (span(g.kernelHeight(), g.dilationHeight()) - g.padTop())), "Zero rows below it.\n"));
            f.add(doc(LayerSite.constant("GRADIENT_RIGHT", gradientWidth() - g.outWidth()
                    - (span(g.kernelWidth(), g.dilationWidth()) - g.padLeft())), "Zero columns right of it.\n"));
            f.add(doc(LayerSite.constant("GRADIENT_WIDTH", gradientWidth()), "Columns of the padded output gradient.\n"));
            f.add(FieldSpec.builder(int.class, "GRADIENT_AT", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .initializer(padded ? "PADDED_AT + PADDED_SIZE" : start)
                    .addJavadoc("Where scratch holds the padded output gradient.\n").build());
        }
        if (strided) {
            f.add(doc(LayerSite.constant("GRADIENT_TOP", border(true, true)),
                    "Zero rows above the output gradient in its padded copy, so that every tap of the strided input\n"
                            + "gradient reads inside it.\n"));
            f.add(doc(LayerSite.constant("GRADIENT_LEFT", border(false, true)), "Zero columns left of it.\n"));
            f.add(doc(LayerSite.constant("GRADIENT_BOTTOM", border(true, false)), "Zero rows below it.\n"));
            f.add(doc(LayerSite.constant("GRADIENT_RIGHT", border(false, false)), "Zero columns right of it.\n"));
            f.add(doc(LayerSite.constant("GRADIENT_WIDTH", g.outWidth() + border(false, true) + border(false, false)),
                    "Columns of the padded output gradient.\n"));
            f.add(FieldSpec.builder(int.class, "GRADIENT_AT", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .initializer(padded ? "PADDED_AT + PADDED_SIZE" : start)
                    .addJavadoc("Where scratch holds the padded output gradient.\n").build());
        }
        return f;
    }

    private static FieldSpec doc(FieldSpec f, String javadoc) {
        return f.toBuilder().addJavadoc(javadoc).build();
    }

    /** The helper methods: {@code pad} (a padded copy) and the input gradient. */
    List<MethodSpec> helpers() {
        List<MethodSpec> m = new ArrayList<>();
        if (padded || inputGradient) {
            m.add(VectorKernels.padMethod());
        }
        if (inputGradient) {
            m.add(inputGradientMethod());
        }
        return m;
    }

    /** The offset of tap (ky, kx) from the window's first input, in a buffer {@code width} pixels wide. */
    private int tapOffset(int ky, int kx, int width) {
        return (ky * g.dilationHeight() * width + kx * g.dilationWidth()) * g.channels();
    }

    private int taps() {
        return g.kernelHeight() * g.kernelWidth();
    }

    /** The kernel's vector of tap t for the channel block c: a register, or a load where the taps are many. */
    private CodeBlock kernel(String array, int t) {
        return taps() <= HOISTED_TAPS ? CodeBlock.of("k$L", t)
                : CodeBlock.of("$T.fromArray(S, $L, $L * " + ch + " + c)", FV, array, t);
    }

    private CodeBlock.Builder hoistKernel(CodeBlock.Builder b, String array) {
        int[] all = new int[taps()];
        Arrays.setAll(all, t -> t);
        return hoistKernel(b, array, all);
    }

    /** The kernel's vectors of the taps {@code taps} for the channel block c, in registers where the taps are few. */
    private CodeBlock.Builder hoistKernel(CodeBlock.Builder b, String array, int[] taps) {
        if (taps() <= HOISTED_TAPS) {
            for (int t : taps) {
                b.addStatement("$T k$L = $T.fromArray(S, $L, $L * " + ch + " + c)", FV, t, FV, array, t);
            }
        }
        return b;
    }

    /** SeparableConv2D's {@code depthwise(in, b, depthwiseKernel, scratch)}: scratch[0, MIDDLE_SIZE) = the middle tensor. */
    MethodSpec forwardMethod() {
        return MethodSpec.methodBuilder("depthwise").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("scratch[0, MIDDLE_SIZE) = depthwise_conv(in of example b, " + kernel + "), channels-last$L.\n",
                        padded ? ", the\nvalid convolution of the input copied inside zero borders to scratch[PADDED_AT ..]" : "")
                .addParameter(float[].class, "in").addParameter(int.class, "b").addParameter(float[].class, kernel)
                .addParameter(float[].class, "scratch").addCode(forward()).build();
    }

    /** Copies example b's input inside its zero borders to scratch[PADDED_AT ..] (nothing without padding). */
    CodeBlock padInput() {
        return padded ? CodeBlock.of("pad(in, b * IN_SIZE, scratch, PADDED_AT, IN_HEIGHT, IN_WIDTH, PAD_TOP, PAD_LEFT, "
                + "PAD_BOTTOM, PAD_RIGHT);\n") : CodeBlock.of("");
    }

    /** The forward pass of example b, padding its input first. */
    CodeBlock forward() {
        CodeBlock.Builder b = CodeBlock.builder().add(padInput());
        b.beginControlFlow("for (int c = 0; c < C_VEC; c += L)");
        hoistKernel(b, kernel);
        if (bias != null) {
            b.addStatement("$T bv = $T.fromArray(S, $L, c)", FV, FV, bias);
        }
        b.beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .addStatement("int i = $L + oy * STRIDE_HEIGHT * $L * IN_CHANNELS + c", srcAt, srcWidth)
                .addStatement("int o = $L + oy * OUT_WIDTH * " + ch + " + c", outAt);
        int[] all = new int[taps()];
        Arrays.setAll(all, t -> t);
        rowBlocks(b, "OUT_WIDTH", "STRIDE_WIDTH * IN_CHANNELS", ch, src, tapOffsets(false, srcColumns), all,
                g.strideWidth() * g.channels(), g.channels(), bias != null ? "bv" : null, out, relu);
        b.endControlFlow().endControlFlow();
        // the channels beyond C_VEC
        b.beginControlFlow("for (int c = C_VEC; c < " + ch + "; c++)")
                .beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("int i = $L + (oy * STRIDE_HEIGHT * $L + ox * STRIDE_WIDTH) * IN_CHANNELS + c", srcAt, srcWidth)
                .addStatement("float s = $L", bias != null ? bias + "[c]" : "0f");
        tapSum(b, src, tapOffsets(false, srcColumns));
        b.addStatement("$L[$L + (oy * OUT_WIDTH + ox) * " + ch + " + c] = $L", out, outAt, relu ? "Math.max(s, 0f)" : "s")
                .endControlFlow().endControlFlow().endControlFlow();
        return b.build();
    }

    /** Each tap's offset from a window's first input in a buffer {@code columns} pixels wide; turned by 180 degrees. */
    private int[] tapOffsets(boolean turned, int columns) {
        int kh = g.kernelHeight();
        int kw = g.kernelWidth();
        int[] offsets = new int[taps()];
        for (int t = 0; t < offsets.length; t++) {
            offsets[t] = turned ? tapOffset(kh - 1 - t / kw, kw - 1 - t % kw, columns) : tapOffset(t / kw, t % kw, columns);
        }
        return offsets;
    }

    /**
     * One row of output vectors at channel block c, four pixels at a time and then one: each summed over the
     * taps from {@code array[i + offset]} times the kernel (plus {@code biasVector} if not null) in a register,
     * then stored at {@code target[o ..]}. Expects {@code i} and {@code o} at the row's first pixel; {@code
     * inStep} and {@code outStep} advance them by a pixel, {@code pixelStride} is the literal of inStep.
     */
    private void rowBlocks(CodeBlock.Builder b, String width, String inStep, String outStep, String array, int[] offsets,
            int pixelStride, String biasVector, String target) {
        int[] taps = new int[offsets.length];
        Arrays.setAll(taps, t -> t);
        rowBlocks(b, width, inStep, outStep, array, offsets, taps, pixelStride, g.channels(), biasVector, target, false);
    }

    /**
     * As above, for the taps {@code taps} (indices into the kernel) at {@code offsets}, the stored pixels {@code
     * outPixelStride} floats apart, with relu applied to each vector stored if {@code relu}.
     */
    private void rowBlocks(CodeBlock.Builder b, String width, String inStep, String outStep, String array, int[] offsets,
            int[] taps, int pixelStride, int outPixelStride, String biasVector, String target, boolean relu) {
        b.addStatement("int x = 0");
        for (int block : new int[] {PIXELS, 1}) {
            if (block == PIXELS) {
                b.beginControlFlow("for (; x + $L <= $L; x += $L, i += $L * $L, o += $L * $L)", block, width, block, block,
                        inStep, block, outStep);
            } else {
                b.beginControlFlow("for (; x < $L; x++, i += $L, o += $L)", width, inStep, outStep);
            }
            for (int t = 0; t < offsets.length; t++) {
                for (int q = 0; q < block; q++) {
                    CodeBlock load = CodeBlock.of("$T.fromArray(S, $L, $L)", FV, array, plus("i", offsets[t] + q * pixelStride));
                    if (t > 0) {
                        b.addStatement("a$L = $L.fma($L, a$L)", q, load, kernel(kernel, taps[t]), q);
                    } else if (biasVector != null) {
                        b.addStatement("$T a$L = $L.fma($L, $L)", FV, q, load, kernel(kernel, taps[t]), biasVector);
                    } else {
                        b.addStatement("$T a$L = $L.mul($L)", FV, q, load, kernel(kernel, taps[t]));
                    }
                }
            }
            for (int q = 0; q < block; q++) {
                b.addStatement("a$L$L.intoArray($L, o + $L)", q, relu ? ".max(0f)" : "", target, q * outPixelStride);
            }
            b.endControlFlow();
        }
    }

    /** {@code base + n} as code: {@code i + 64}, {@code i + 0}, {@code i - 64}. */
    private static String plus(String base, int n) {
        return n < 0 ? base + " - " + -n : base + " + " + n;
    }

    /** {@code s += array[i + offset] * kernel[t * channels + c]} for every tap: one channel's sum. */
    private void tapSum(CodeBlock.Builder b, String array, int[] offsets) {
        for (int t = 0; t < offsets.length; t++) {
            b.addStatement("s += $L[i + $L] * " + kernel + "[$L * " + ch + " + c]", array, offsets[t], t);
        }
    }

    /**
     * The backward pass of example b after its input was padded ({@link #padInput}): the kernel gradient
     * (and the bias's), then the input gradient.
     */
    CodeBlock backward() {
        CodeBlock.Builder b = CodeBlock.builder();
        int[] offsets = tapOffsets(false, srcColumns);
        b.add("// " + dKernel + ": per tap, the sum over pixels of the (padded) input times the middle gradient\n");
        b.beginControlFlow("for (int c = 0; c < C_VEC; c += L)")
                .addStatement("$T z = $T.zero(S)", FV, FV);
        for (int t = 0; t < taps(); t++) {
            b.addStatement("$T s$L = z", FV, t);
        }
        if (bias != null) {
            b.addStatement("$T sb = z", FV);
        }
        b.beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .addStatement("int i = $L + oy * STRIDE_HEIGHT * $L * IN_CHANNELS + c", srcAt, srcWidth)
                .addStatement("int d = $L + oy * OUT_WIDTH * " + ch + " + c", gradAt)
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++, i += STRIDE_WIDTH * IN_CHANNELS, d += " + ch + ")")
                .addStatement("$T g = $T.fromArray(S, $L, d)", FV, FV, grad);
        if (bias != null) {
            b.addStatement("sb = sb.add(g)");
        }
        for (int t = 0; t < taps(); t++) {
            b.addStatement("s$L = $T.fromArray(S, $L, i + $L).fma(g, s$L)", t, FV, src, offsets[t], t);
        }
        b.endControlFlow().endControlFlow();
        for (int t = 0; t < taps(); t++) {
            b.addStatement("s$L.add($T.fromArray(S, " + dKernel + ", $L * " + ch + " + c))"
                    + ".intoArray(" + dKernel + ", $L * " + ch + " + c)", t, FV, t, t);
        }
        if (bias != null) {
            b.addStatement("sb.add($T.fromArray(S, dBias, c)).intoArray(dBias, c)", FV);
        }
        b.endControlFlow();
        b.beginControlFlow("for (int c = C_VEC; c < " + ch + "; c++)");
        for (int t = 0; t < taps(); t++) {
            b.addStatement("float s$L = 0f", t);
        }
        if (bias != null) {
            b.addStatement("float sb = 0f");
        }
        b.beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("int i = $L + (oy * STRIDE_HEIGHT * $L + ox * STRIDE_WIDTH) * IN_CHANNELS + c", srcAt, srcWidth)
                .addStatement("float g = $L[$L + (oy * OUT_WIDTH + ox) * " + ch + " + c]", grad, gradAt);
        if (bias != null) {
            b.addStatement("sb += g");
        }
        for (int t = 0; t < taps(); t++) {
            b.addStatement("s$L += $L[i + $L] * g", t, src, offsets[t]);
        }
        b.endControlFlow().endControlFlow();
        for (int t = 0; t < taps(); t++) {
            b.addStatement(dKernel + "[$L * " + ch + " + c] += s$L", t, t);
        }
        if (bias != null) {
            b.addStatement("dBias[c] += sb");
        }
        b.endControlFlow();
        if (inputGradient) {
            b.addStatement("depthwiseInputGradient($LdIn, $L, scratch, b)", grad.equals("scratch") ? "" : grad + ", ", kernel);
        }
        return b.build();
    }

    /**
     * {@code depthwiseInputGradient([dOut,] dIn, kernel, scratch, b)}: dIn of example b, a method of its own
     * so that a 5x5 window's backward pass stays well under HotSpot's 8,000-byte limit.
     */
    private MethodSpec inputGradientMethod() {
        MethodSpec.Builder m = MethodSpec.methodBuilder("depthwiseInputGradient").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dIn of example b from the output gradient$L.\n", gather
                        ? ": the gradient inside zero borders convolved with the kernel turned\nby 180 degrees"
                        : ": per class of input pixels (row and column modulo the strides), the\ngradient inside zero borders convolved with the kernel's taps that reach them");
        if (!grad.equals("scratch")) {
            m.addParameter(float[].class, grad);
        }
        m.addParameter(float[].class, "dIn").addParameter(float[].class, kernel).addParameter(float[].class, "scratch");
        return m.addParameter(int.class, "b").addCode(gather ? gatherInputGradient() : stridedInputGradient()).build();
    }

    /** dIn of example b, stride 1: the padded middle gradient convolved with the kernel turned by 180 degrees. */
    private CodeBlock gatherInputGradient() {
        CodeBlock.Builder b = CodeBlock.builder();
        int[] offsets = tapOffsets(true, gradientWidth());
        b.add("// dIn: the middle gradient inside zero borders, convolved with the kernel turned by 180 degrees\n")
                .addStatement("pad($L, $L, scratch, GRADIENT_AT, OUT_HEIGHT, OUT_WIDTH, GRADIENT_TOP, "
                        + "GRADIENT_LEFT, GRADIENT_BOTTOM, GRADIENT_RIGHT)", grad, gradAt)
                .beginControlFlow("for (int c = 0; c < C_VEC; c += L)");
        hoistKernel(b, kernel);
        b.beginControlFlow("for (int y = 0; y < IN_HEIGHT; y++)")
                .addStatement("int i = GRADIENT_AT + y * GRADIENT_WIDTH * IN_CHANNELS + c")
                .addStatement("int o = (b * IN_HEIGHT + y) * IN_WIDTH * IN_CHANNELS + c");
        rowBlocks(b, "IN_WIDTH", "IN_CHANNELS", "IN_CHANNELS", "scratch", offsets, g.channels(), null, "dIn");
        b.endControlFlow().endControlFlow();
        b.beginControlFlow("for (int c = C_VEC; c < " + ch + "; c++)")
                .beginControlFlow("for (int y = 0; y < IN_HEIGHT; y++)")
                .beginControlFlow("for (int x = 0; x < IN_WIDTH; x++)")
                .addStatement("int i = GRADIENT_AT + (y * GRADIENT_WIDTH + x) * IN_CHANNELS + c")
                .addStatement("float s = 0f");
        tapSum(b, "scratch", offsets);
        b.addStatement("dIn[((b * IN_HEIGHT + y) * IN_WIDTH + x) * IN_CHANNELS + c] = s")
                .endControlFlow().endControlFlow().endControlFlow();
        return b.build();
    }

    /**
     * dIn of example b with strides, as gathers too: the input pixels whose row is r modulo the row stride and
     * whose column is q modulo the column stride are reached by the same taps (with strides 2 and a 3x3 kernel:
     * 4, 2, 2 or 1 of the nine), each from the output pixel one further per stride; so each class is a
     * stride-1 valid convolution of the output gradient inside zero borders with those taps, summed in
     * registers four pixels at a time and stored once, with no border tests and no adding into memory.
     */
    private CodeBlock stridedInputGradient() {
        CodeBlock.Builder b = CodeBlock.builder();
        int kw = g.kernelWidth();
        int width = g.outWidth() + border(false, true) + border(false, false);
        b.add("// dIn: the output gradient inside zero borders; then, per class of input pixels (row and column\n"
                + "// modulo the strides), the sums over the taps that reach that class\n")
                .addStatement("pad($L, $L, scratch, GRADIENT_AT, OUT_HEIGHT, OUT_WIDTH, GRADIENT_TOP, GRADIENT_LEFT, "
                        + "GRADIENT_BOTTOM, GRADIENT_RIGHT)", grad, gradAt);
        for (int r = 0; r < g.strideHeight(); r++) {
            for (int q = 0; q < g.strideWidth(); q++) {
                int rows = classCount(true, r);
                int cols = classCount(false, q);
                if (rows == 0 || cols == 0) {
                    continue;
                }
                List<Integer> tapList = new ArrayList<>();
                List<Integer> offsetList = new ArrayList<>();
                for (int ky : classTaps(true, r)) {
                    for (int kx : classTaps(false, q)) {
                        tapList.add(ky * kw + kx);
                        offsetList.add((classShift(true, r, ky) * width + classShift(false, q, kx)) * g.channels());
                    }
                }
                int[] taps = tapList.stream().mapToInt(Integer::intValue).toArray();
                int[] offsets = offsetList.stream().mapToInt(Integer::intValue).toArray();
                String first = "(b * IN_HEIGHT + " + (r == 0 ? "" : r + " + ") + "j * STRIDE_HEIGHT) * IN_WIDTH * IN_CHANNELS"
                        + (q == 0 ? "" : " + " + q + " * IN_CHANNELS");
                b.add("// rows $L, $L + STRIDE_HEIGHT, ..., columns $L, $L + STRIDE_WIDTH, ...: taps $L\n", r, r, q, q,
                        taps.length == 0 ? "none (zero)" : Arrays.toString(taps).replaceAll("[\\[\\]]", ""));
                if (taps.length == 0) {
                    b.beginControlFlow("for (int j = 0; j < $L; j++)", rows)
                            .beginControlFlow("for (int x = 0; x < $L; x++)", cols)
                            .addStatement("int o = $L + x * STRIDE_WIDTH * IN_CHANNELS", first)
                            .addStatement("$T.fill(dIn, o, o + IN_CHANNELS, 0f)", Arrays.class)
                            .endControlFlow().endControlFlow();
                    continue;
                }
                b.beginControlFlow("for (int c = 0; c < C_VEC; c += L)");
                hoistKernel(b, kernel, taps);
                b.beginControlFlow("for (int j = 0; j < $L; j++)", rows)
                        .addStatement("int i = GRADIENT_AT + ((j + GRADIENT_TOP) * GRADIENT_WIDTH + GRADIENT_LEFT) * IN_CHANNELS + c")
                        .addStatement("int o = $L + c", first);
                rowBlocks(b, String.valueOf(cols), "IN_CHANNELS", "STRIDE_WIDTH * IN_CHANNELS", "scratch", offsets, taps,
                        g.channels(), g.strideWidth() * g.channels(), null, "dIn", false);
                b.endControlFlow().endControlFlow();
                b.beginControlFlow("for (int c = C_VEC; c < " + ch + "; c++)")
                        .beginControlFlow("for (int j = 0; j < $L; j++)", rows)
                        .beginControlFlow("for (int x = 0; x < $L; x++)", cols)
                        .addStatement("int i = GRADIENT_AT + ((j + GRADIENT_TOP) * GRADIENT_WIDTH + GRADIENT_LEFT + x) * IN_CHANNELS + c")
                        .addStatement("float s = 0f");
                for (int t = 0; t < taps.length; t++) {
                    b.addStatement("s += scratch[$L] * " + kernel + "[$L * " + ch + " + c]", plus("i", offsets[t]), taps[t]);
                }
                b.addStatement("dIn[$L + x * STRIDE_WIDTH * IN_CHANNELS + c] = s", first)
                        .endControlFlow().endControlFlow().endControlFlow();
            }
        }
        return b.build();
    }

    /** Whether dIn is set per example, so that backward need not clear it: both input gradients set every value. */
    boolean setsInputGradient() {
        return true;
    }
}
