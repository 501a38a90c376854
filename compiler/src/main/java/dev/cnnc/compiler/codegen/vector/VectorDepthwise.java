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
 * strides, the output gradient times the kernel is added into the padded input's place tap by tap
 * and the interior copied out.
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

    private VectorDepthwise(Geometry2D g, boolean inputGradient, String ch, String kernel, String bias, String out,
            String outAt, String grad, String gradAt, boolean declarePads) {
        this.g = g;
        this.padded = g.padTop() + g.padBottom() + g.padLeft() + g.padRight() > 0;
        this.inputGradient = inputGradient;
        this.gather = inputGradient && g.strideHeight() == 1 && g.strideWidth() == 1;
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
    }

    /**
     * SeparableConv2D's depthwise passes: into the middle tensor at scratch[0 ..], its gradient at scratch[MIDDLE_SIZE
     * ..]; {@code inputGradient}: the layer computes dIn.
     */
    static VectorDepthwise separable(Geometry2D g, boolean inputGradient) {
        return new VectorDepthwise(g, inputGradient, "MIDDLE_CHANNELS", "depthwiseKernel", null, "scratch", "0", "scratch",
                "MIDDLE_SIZE", true);
    }

    /** DepthwiseConv2D's passes: out and dOut of example b, with the bias if it has one; dIn if {@code inputGradient}. */
    static VectorDepthwise depthwise(Geometry2D g, boolean bias, boolean inputGradient) {
        return new VectorDepthwise(g, inputGradient, "OUT_CHANNELS", "kernel", bias ? "bias" : null, "out", "b * OUT_SIZE",
                "dOut", "b * OUT_SIZE", false);
    }

    /** Floats of scratch the passes use after their start: the padded input, and the padded output gradient. */
    long scratchFloats() {
        long p = padded ? (long) paddedHeight() * paddedWidth() * g.channels() : 0;
        long q = gather ? (long) gradientHeight() * gradientWidth() * g.channels() : 0;
        return p + q;
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
        return f;
    }

    private static FieldSpec doc(FieldSpec f, String javadoc) {
        return f.toBuilder().addJavadoc(javadoc).build();
    }

    /** The helper methods: {@code pad} (a padded copy), the input gradient and, for strides, {@code crop}. */
    List<MethodSpec> helpers() {
        List<MethodSpec> m = new ArrayList<>();
        if (padded || gather) {
            m.add(VectorKernels.padMethod());
        }
        if (inputGradient) {
            m.add(inputGradientMethod());
        }
        if (padded && !gather && inputGradient) {
            m.add(MethodSpec.methodBuilder("crop").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                    .addJavadoc("dIn of example b = the interior of the padded input gradient in scratch[PADDED_AT ..].\n")
                    .addParameter(float[].class, "scratch").addParameter(float[].class, "dIn").addParameter(int.class, "b")
                    .beginControlFlow("for (int y = 0; y < IN_HEIGHT; y++)")
                    .addStatement("$T.arraycopy(scratch, PADDED_AT + ((y + PAD_TOP) * PADDED_WIDTH + PAD_LEFT) * IN_CHANNELS,"
                            + " dIn, (b * IN_HEIGHT + y) * IN_WIDTH * IN_CHANNELS, IN_WIDTH * IN_CHANNELS)", System.class)
                    .endControlFlow().build());
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
        if (taps() <= HOISTED_TAPS) {
            for (int t = 0; t < taps(); t++) {
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
        rowBlocks(b, "OUT_WIDTH", "STRIDE_WIDTH * IN_CHANNELS", ch, src, tapOffsets(false, srcColumns),
                g.strideWidth() * g.channels(), bias != null ? "bv" : null, out);
        b.endControlFlow().endControlFlow();
        // the channels beyond C_VEC
        b.beginControlFlow("for (int c = C_VEC; c < " + ch + "; c++)")
                .beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("int i = $L + (oy * STRIDE_HEIGHT * $L + ox * STRIDE_WIDTH) * IN_CHANNELS + c", srcAt, srcWidth)
                .addStatement("float s = $L", bias != null ? bias + "[c]" : "0f");
        tapSum(b, src, tapOffsets(false, srcColumns));
        b.addStatement("$L[$L + (oy * OUT_WIDTH + ox) * " + ch + " + c] = s", out, outAt)
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
                    CodeBlock load = CodeBlock.of("$T.fromArray(S, $L, i + $L)", FV, array, offsets[t] + q * pixelStride);
                    if (t > 0) {
                        b.addStatement("a$L = $L.fma($L, a$L)", q, load, kernel(kernel, t), q);
                    } else if (biasVector != null) {
                        b.addStatement("$T a$L = $L.fma($L, $L)", FV, q, load, kernel(kernel, t), biasVector);
                    } else {
                        b.addStatement("$T a$L = $L.mul($L)", FV, q, load, kernel(kernel, t));
                    }
                }
            }
            for (int q = 0; q < block; q++) {
                b.addStatement("a$L.intoArray($L, o + $L)", q, target, q * g.channels());
            }
            b.endControlFlow();
        }
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
            b.addStatement("depthwiseInputGradient($LdIn, $L$L, b)", grad.equals("scratch") ? "" : grad + ", ", kernel,
                    inputGradientScratch() ? ", scratch" : "");
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
                        : ", added tap by tap into the input's place");
        if (!grad.equals("scratch")) {
            m.addParameter(float[].class, grad);
        }
        m.addParameter(float[].class, "dIn").addParameter(float[].class, kernel);
        if (inputGradientScratch()) {
            m.addParameter(float[].class, "scratch");
        }
        return m.addParameter(int.class, "b").addCode(gather ? gatherInputGradient() : scatterInputGradient()).build();
    }

    /** Whether the input gradient reads or writes scratch: its padded buffers, or the middle gradient there. */
    private boolean inputGradientScratch() {
        return padded || gather || grad.equals("scratch");
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
     * dIn of example b with strides: the middle gradient times the kernel added tap by tap into the input's
     * place (the padded input's, whose interior is then copied out; dIn itself where there is no padding).
     */
    private CodeBlock scatterInputGradient() {
        CodeBlock.Builder b = CodeBlock.builder();
        String to = padded ? "scratch" : "dIn";
        int[] offsets = tapOffsets(false, srcColumns);
        b.add("// dIn: the middle gradient times the kernel, added into the $L input's place tap by tap\n",
                padded ? "padded" : "");
        if (padded) {
            b.addStatement("$T.fill(scratch, PADDED_AT, PADDED_AT + PADDED_SIZE, 0f)", Arrays.class);
        }
        b.beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("int i = $L + (oy * STRIDE_HEIGHT * $L + ox * STRIDE_WIDTH) * IN_CHANNELS", srcAt, srcWidth)
                .addStatement("int d = $L + (oy * OUT_WIDTH + ox) * " + ch, gradAt)
                .addStatement("int c = 0")
                .beginControlFlow("for (; c < C_VEC; c += L)")
                .addStatement("$T g = $T.fromArray(S, $L, d + c)", FV, FV, grad);
        for (int t = 0; t < taps(); t++) {
            int off = offsets[t];
            b.addStatement("$T.fromArray(S, " + kernel + ", $L * " + ch + " + c).fma(g, $T.fromArray(S, $L, i + $L + c))"
                    + ".intoArray($L, i + $L + c)", FV, t, FV, to, off, to, off);
        }
        b.endControlFlow().beginControlFlow("for (; c < " + ch + "; c++)")
                .addStatement("float g = $L[d + c]", grad);
        for (int t = 0; t < taps(); t++) {
            int off = offsets[t];
            b.addStatement("$L[i + $L + c] += " + kernel + "[$L * " + ch + " + c] * g", to, off, t);
        }
        b.endControlFlow().endControlFlow().endControlFlow();
        if (padded) {
            b.addStatement("crop(scratch, dIn, b)");
        }
        return b.build();
    }

    /** Whether dIn is set per example (the gather, or the crop of the padded one), so that backward need not clear it. */
    boolean setsInputGradient() {
        return gather || padded;
    }
}
