package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.ActivationCode;
import dev.cnnc.compiler.codegen.WeightedLayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.ModelField;
import dev.cnnc.compiler.codegen.Window;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.Geometry2D;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Conv2D in plain Java. Channels-last keeps the filter loop innermost and contiguous; so that C2
 * vectorizes it, both arrays it touches are indexed alike from 0 ({@code acc[f] += v * row[f]}): C2
 * does not vectorize a store to one array and a load from another at different offsets (they might
 * overlap), so the kernel is read through one row per (tap, input channel) and each output pixel is
 * summed in a row of its own, then copied out. Every value is summed in the same order as before,
 * so the results are the same to the bit. Channels-first is plain loops.
 */
public final class Conv2DGenerator implements WeightedLayerGenerator<Conv2DLayer> {

    /** The class with its Javadoc and shape constants, shared with the Vector API generator. */
    public static TypeSpec.Builder header(Conv2DLayer l, LayerSite site) {
        Geometry2D g = l.geometry();
        TypeSpec.Builder t = site.classBuilder(l.filters() + " filters of " + g.kernelHeight() + "x" + g.kernelWidth()
                + ", strides (" + g.strideHeight() + ", " + g.strideWidth() + "), dilation (" + g.dilationHeight() + ", "
                + g.dilationWidth() + "), padding '" + g.padding().keras() + "' " + g.describePads() + ", "
                + g.dataFormat().keras() + ", activation " + l.activation().keras());
        t.addField(LayerSite.constant("IN_HEIGHT", g.inHeight()));
        t.addField(LayerSite.constant("IN_WIDTH", g.inWidth()));
        t.addField(LayerSite.constant("IN_CHANNELS", l.inputChannels()));
        t.addField(LayerSite.constant("OUT_HEIGHT", g.outHeight()));
        t.addField(LayerSite.constant("OUT_WIDTH", g.outWidth()));
        t.addField(LayerSite.constant("FILTERS", l.filters()));
        t.addField(LayerSite.constant("KERNEL_HEIGHT", g.kernelHeight()));
        t.addField(LayerSite.constant("KERNEL_WIDTH", g.kernelWidth()));
        t.addField(LayerSite.constant("STRIDE_HEIGHT", g.strideHeight()));
        t.addField(LayerSite.constant("STRIDE_WIDTH", g.strideWidth()));
        t.addField(LayerSite.constant("DILATION_HEIGHT", g.dilationHeight()));
        t.addField(LayerSite.constant("DILATION_WIDTH", g.dilationWidth()));
        t.addField(LayerSite.constant("PAD_TOP", g.padTop()));
        t.addField(LayerSite.constant("PAD_BOTTOM", g.padBottom()));
        t.addField(LayerSite.constant("PAD_LEFT", g.padLeft()));
        t.addField(LayerSite.constant("PAD_RIGHT", g.padRight()));
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("OUT_SIZE", l.outputShape().size()));
        return t;
    }

    /** {@code "relu of "}, or nothing for a linear layer: how forward Javadocs name the activation. */
    public static String activationPrefix(Activation a) {
        return a == Activation.LINEAR ? "" : ActivationCode.describe(a) + " of ";
    }

    @Override
    public TypeSpec generate(Conv2DLayer l, LayerSite site) {
        Geometry2D g = l.geometry();
        Window win = Window.of(g);
        TypeSpec.Builder t = header(l, site);
        boolean bias = l.useBias();
        boolean dIn = site.computesInputGradient();
        if (!g.channelsLast()) {
            WeightedLayerGenerator.addPasses(t, site, "conv", l.kernelShape(), l.filters(),
                    forwardChannelsFirst(win, bias), backwardChannelsFirst(win, bias, dIn));
            return t.build();
        }
        t.addField(LayerSite.constant("ROWS", (long) g.kernelHeight() * g.kernelWidth() * l.inputChannels()));
        WeightedLayerGenerator.addPasses(t, site, "conv", l.kernelShape(), l.filters(),
                forwardChannelsLast(win, bias, l.inputChannels()), backwardChannelsLast(win, bias, dIn, l.filters()),
                List.of(ParameterSpec.builder(float[][].class, "rows").build(),
                        ParameterSpec.builder(float[].class, "acc").build()),
                List.of(ParameterSpec.builder(float[][].class, "rowsT").build(),
                        ParameterSpec.builder(float[][].class, "dRows").build(),
                        ParameterSpec.builder(float[][].class, "pixels").build(),
                        ParameterSpec.builder(int[].class, "at").build(),
                        ParameterSpec.builder(float[].class, "inAcc").build()));
        t.addMethod(MethodSpec.methodBuilder("accumulate").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("One tap: {@code acc += in[i ...] x rows[r ...]}, the input channels $L at a time.\n", UNROLL)
                .addParameter(float[].class, "in").addParameter(int.class, "i").addParameter(float[][].class, "rows")
                .addParameter(int.class, "r").addParameter(float[].class, "acc")
                .addCode(forwardTap("r", l.inputChannels())).build());
        t.addMethod(kernelGradientPass(l));
        if (dIn) {
            t.addMethod(MethodSpec.methodBuilder("inputGradient").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                    .addJavadoc("One tap: {@code dIn[i + c] += sum over f of rowsT[r + f][c] * acc[f]}, in filter order.\n")
                    .addParameter(float[].class, "dIn").addParameter(int.class, "i")
                    .addParameter(float[][].class, "rowsT").addParameter(int.class, "r").addParameter(float[].class, "acc")
                    .addParameter(float[].class, "inAcc")
                    .addCode(inputGradientTap("r", l.filters())).build());
        }
        return t.build();
    }

    /**
     * Channels-last: the kernel's rows ({@code rows[(tap * IN_CHANNELS + c)]}, {@code FILTERS} floats
     * each), the kernel gradient's rows, and one output pixel's sums.
     */
    @Override
    public List<ModelField> modelFields(Conv2DLayer l, LayerSite site) {
        if (!l.geometry().channelsLast()) {
            return List.of();
        }
        TypeName rows = TypeName.get(float[][].class);
        return List.of(
                new ModelField(rows, site.fieldPrefix() + "Rows",
                        CodeBlock.of("new float[$T.ROWS][$T.FILTERS]", site.className(), site.className()),
                        "the kernel, one row of filters per (tap, input channel)."),
                new ModelField(rows, site.fieldPrefix() + "GradientRows",
                        CodeBlock.of("new float[$T.ROWS][$T.FILTERS]", site.className(), site.className()),
                        "the kernel's gradient, one row per (tap, input channel)."),
                new ModelField(rows, site.fieldPrefix() + "TransposedRows",
                        CodeBlock.of("new float[$T.ROWS / $T.IN_CHANNELS * $T.FILTERS][$T.IN_CHANNELS]", site.className(),
                                site.className(), site.className(), site.className()),
                        "the kernel, one row of input channels per (tap, filter), for the input gradient."),
                new ModelField(TypeName.get(float[].class), site.fieldPrefix() + "Acc",
                        CodeBlock.of("new float[$T.FILTERS]", site.className()), "one output pixel's sums."),
                new ModelField(TypeName.get(float[].class), site.fieldPrefix() + "InputAcc",
                        CodeBlock.of("new float[$T.IN_CHANNELS]", site.className()), "one tap's input gradient."),
                new ModelField(rows, site.fieldPrefix() + "Pixels",
                        CodeBlock.of("new float[batchSize * $T.OUT_HEIGHT * $T.OUT_WIDTH][$T.FILTERS]", site.className(),
                                site.className(), site.className()),
                        "the output gradient, one row of filters per output pixel."),
                new ModelField(TypeName.get(int[].class), site.fieldPrefix() + "At",
                        CodeBlock.of("new int[batchSize * $T.OUT_HEIGHT * $T.OUT_WIDTH]", site.className(), site.className()),
                        "for one tap, where each output pixel reads the input (-1: in the padding)."));
    }

    @Override
    public CodeBlock forwardCall(Conv2DLayer l, LayerSite site) {
        if (!l.geometry().channelsLast()) {
            return site.weightedForwardCall();
        }
        String p = site.fieldPrefix();
        return CodeBlock.builder().addStatement("$T.forward($L, $L, $L$L, $LRows, $LAcc, n)", site.className(), site.in(),
                site.out(), site.weightField(l.weights().get(0)),
                l.useBias() ? ", " + site.weightField(l.weights().get(1)) : "", p, p).build();
    }

    @Override
    public CodeBlock backwardCall(Conv2DLayer l, LayerSite site) {
        if (!l.geometry().channelsLast()) {
            return site.weightedBackwardCall();
        }
        String p = site.fieldPrefix();
        return CodeBlock.builder().addStatement(
                "$T.backward($L, $L$L, $L, $L$L, $LTransposedRows, $LGradientRows, $LPixels, $LAt, $LInputAcc, n)",
                site.className(), site.in(), site.dOut(), site.computesInputGradient() ? ", " + site.dIn() : "",
                site.weightField(l.weights().get(0)), site.weightGradientField(l.weights().get(0)),
                l.useBias() ? ", " + site.weightGradientField(l.weights().get(1)) : "", p, p, p, p, p).build();
    }

    /** Copies {@code from} into {@code rows}, a row of {@code FILTERS} each. */
    private static CodeBlock toRows(String from, String rows) {
        return CodeBlock.builder().beginControlFlow("for (int r = 0; r < ROWS; r++)")
                .addStatement("$T.arraycopy($L, r * FILTERS, $L[r], 0, FILTERS)", System.class, from, rows)
                .endControlFlow().build();
    }

    /** Loops over output positions, setting {@code iy} and {@code ix} for the window. */
    public static CodeBlock.Builder positions(CodeBlock.Builder b) {
        return b.beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .addStatement("int iy = oy * STRIDE_HEIGHT - PAD_TOP")
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("int ix = ox * STRIDE_WIDTH - PAD_LEFT");
    }

    /**
     * Input channels (forward), filters (input gradient) and output pixels (kernel gradient) a pass
     * over a row of sums takes at once. 8 was fastest of 4, 8 and 16 for each on the AVX-512 machine
     * (16 spills registers); with AVX2's 16 registers it still fits: 8 broadcasts and one sum.
     */
    static final int UNROLL = 8;

    /**
     * {@code acc[f] = ((acc[f] + v0 * k0[f]) + v1 * k1[f]) + ...} for the {@code UNROLL} rows from
     * {@code index}: the same roundings, in the same order, as one statement per row, with one load and
     * one store of the sums instead of one per row.
     */
    static CodeBlock unrolledRows(String target, String length, String loopVar, int count, String value,
            String row) {
        return unrolledRows(target, target + "[" + loopVar + "]", length, loopVar, count, value, row);
    }

    /** {@link #unrolledRows} summing onto {@code start} (the target's old value, or {@code 0f}). */
    static CodeBlock unrolledRows(String target, String start, String length, String loopVar, int count,
            String value, String row) {
        CodeBlock.Builder b = CodeBlock.builder();
        StringBuilder sum = new StringBuilder(start);
        for (int u = 0; u < count; u++) {
            sum.insert(0, "(").append(" + ").append(value).append(u).append(" * ").append(row).append(u)
                    .append("[").append(loopVar).append("])");
        }
        String expression = sum.substring(1, sum.length() - 1);
        return b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", loopVar, loopVar, length, loopVar)
                .addStatement("$L[$L] = $L", target, loopVar, expression).endControlFlow().build();
    }

    private static CodeBlock forwardChannelsLast(Window win, boolean bias, int channels) {
        CodeBlock.Builder b = CodeBlock.builder().add(toRows("kernel", "rows"))
                .beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * FILTERS");
        if (bias) {
            b.addStatement("$T.arraycopy(bias, 0, acc, 0, FILTERS)", System.class);
        } else {
            b.addStatement("$T.fill(acc, 0f)", Arrays.class);
        }
        b.addStatement("int i");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = ((b * IN_HEIGHT + $L) * IN_WIDTH + $L) * IN_CHANNELS", Window.plus("iy", row),
                        Window.plus("ix", column))
                .addStatement("accumulate(in, i, rows, $L * IN_CHANNELS, acc)", tap)
                .build()));
        b.addStatement("$T.arraycopy(acc, 0, out, o, FILTERS)", System.class);
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }

    /** {@code c}, {@code c + 1}, ...: an index plus a constant, without {@code + 0}. */
    static String plus(String index, int k) {
        return k == 0 ? index : index + " + " + k;
    }

    /** One tap of the forward pass: the input channels {@code UNROLL} at a time, then the rest one by one. */
    private static CodeBlock forwardTap(String tap, int channels) {
        return sumRows("c", channels, "IN_CHANNELS", "v", e -> "in[i + " + e + "]", e -> "rows[" + tap + " + " + e + "]",
                "acc", "FILTERS", "f", false);
    }

    /**
     * One tap's input gradient: for each input channel, the sum over filters in filter order, from
     * {@code 0f} as the dot product it was written as (so that a sum of zeros keeps its sign as before).
     */
    private static CodeBlock inputGradientTap(String tap, int filters) {
        return sumRows("f", filters, "FILTERS", "d", e -> "acc[" + e + "]",
                e -> "rowsT[" + (e.equals("0") ? tap : tap + " + " + e) + "]", "inAcc", "IN_CHANNELS", "c", true)
                .toBuilder()
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                .addStatement("dIn[i + c] += inAcc[c]")
                .endControlFlow().build();
    }

    /**
     * {@code target += value(j) * row(j)} over {@code j} in {@code [0, total)}, {@code UNROLL} rows per
     * pass over the target ({@link #unrolledRows}), then the rest one by one: the loops of the
     * forward passes and input gradients of Conv2D and Dense. {@code value} and {@code row} give the
     * code of row {@code j}'s value and row from the code of {@code j}; with {@code fromZero} the first
     * block sets the target from {@code 0f} instead of adding to it.
     *
     * @param valueName the prefix of the values' variables ({@code v0}, {@code v1}, ...)
     * @param totalName the constant that names {@code total}, used where a block covers it
     */
    static CodeBlock sumRows(String j, int total, String totalName, String valueName,
            java.util.function.Function<String, String> value, java.util.function.Function<String, String> row,
            String target, String length, String inner, boolean fromZero) {
        CodeBlock.Builder b = CodeBlock.builder();
        int blocked = total - total % UNROLL;
        int from = 0;
        if (fromZero && blocked > 0) {
            // the first block sets the sums, the others add to them
            b.add("{\n").indent();
            for (int u = 0; u < UNROLL; u++) {
                b.addStatement("float $L$L = $L", valueName, u, value.apply(Integer.toString(u)))
                        .addStatement("float[] k$L = $L", u, row.apply(Integer.toString(u)));
            }
            b.add(unrolledRows(target, "0f", length, inner, UNROLL, valueName, "k")).unindent().add("}\n");
            from = UNROLL;
        } else if (fromZero) {
            b.addStatement("$T.fill($L, 0f)", Arrays.class, target);
        }
        if (blocked > from) {
            String bound = blocked == total ? totalName : Integer.toString(blocked);
            if (from == 0) {
                b.beginControlFlow("for (int $L = 0; $L < $L; $L += $L)", j, j, bound, j, UNROLL);
            } else {
                b.beginControlFlow("for (int $L = $L; $L < $L; $L += $L)", j, from, j, bound, j, UNROLL);
            }
            for (int u = 0; u < UNROLL; u++) {
                b.addStatement("float $L$L = $L", valueName, u, value.apply(plus(j, u)))
                        .addStatement("float[] k$L = $L", u, row.apply(plus(j, u)));
            }
            b.add(unrolledRows(target, length, inner, UNROLL, valueName, "k")).endControlFlow();
        }
        if (blocked < total) {
            b.beginControlFlow("for (int $L = $L; $L < $L; $L++)", j, blocked, j, totalName, j)
                    .addStatement("float $L0 = $L", valueName, value.apply(j))
                    .addStatement("float[] k0 = $L", row.apply(j))
                    .add(unrolledRows(target, length, inner, 1, valueName, "k")).endControlFlow();
        }
        return b.build();
    }

    private static CodeBlock backwardChannelsLast(Window win, boolean bias, boolean inputGradient, int filters) {
        CodeBlock.Builder b = CodeBlock.builder();
        if (inputGradient) {
            // rowsT[tap * FILTERS + f][c] = kernel[(tap * IN_CHANNELS + c) * FILTERS + f]
            b.beginControlFlow("for (int r = 0; r < ROWS; r++)")
                    .addStatement("int tap = r / IN_CHANNELS")
                    .addStatement("int c = r % IN_CHANNELS")
                    .beginControlFlow("for (int f = 0; f < FILTERS; f++)")
                    .addStatement("rowsT[tap * FILTERS + f][c] = kernel[r * FILTERS + f]")
                    .endControlFlow()
                    .endControlFlow();
        }
        // the output gradient as one row per pixel; the bias's gradient in pixel order
        b.beginControlFlow("for (int p = 0; p < n * OUT_HEIGHT * OUT_WIDTH; p++)")
                .addStatement("$T.arraycopy(dOut, p * FILTERS, pixels[p], 0, FILTERS)", System.class);
        if (bias) {
            b.addStatement("float[] d = pixels[p]")
                    .beginControlFlow("for (int f = 0; f < FILTERS; f++)").addStatement("dBias[f] += d[f]").endControlFlow();
        }
        b.endControlFlow();
        b.add(toRows("dKernel", "dRows"))
                .addStatement("kernelGradients(in, pixels, at, dRows, n)");
        b.beginControlFlow("for (int r = 0; r < ROWS; r++)")
                .addStatement("$T.arraycopy(dRows[r], 0, dKernel, r * FILTERS, FILTERS)", System.class)
                .endControlFlow();
        if (!inputGradient) {
            return b.build();
        }
        b.beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("float[] acc = pixels[(b * OUT_HEIGHT + oy) * OUT_WIDTH + ox]");
        b.addStatement("int i");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = ((b * IN_HEIGHT + $L) * IN_WIDTH + $L) * IN_CHANNELS", Window.plus("iy", row),
                        Window.plus("ix", column))
                .addStatement("inputGradient(dIn, i, rowsT, $L * FILTERS, acc, inAcc)", tap)
                .build()));
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }

    /**
     * The kernel's gradient, tap by tap and input channel by input channel, over the output pixels in
     * their order, {@code UNROLL} at a time where all of them read inside the input: each gradient
     * element sums the same products in the same order as a loop over pixels would, with one load and
     * one store per {@code UNROLL} pixels.
     */
    private static MethodSpec kernelGradientPass(Conv2DLayer l) {
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("int count = n * OUT_HEIGHT * OUT_WIDTH")
                .beginControlFlow("for (int ky = 0; ky < KERNEL_HEIGHT; ky++)")
                .beginControlFlow("for (int kx = 0; kx < KERNEL_WIDTH; kx++)")
                .addStatement("int p = 0")
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .addStatement("int y = oy * STRIDE_HEIGHT - PAD_TOP + ky * DILATION_HEIGHT")
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++, p++)")
                .addStatement("int x = ox * STRIDE_WIDTH - PAD_LEFT + kx * DILATION_WIDTH")
                .addStatement("at[p] = y >= 0 && y < IN_HEIGHT && x >= 0 && x < IN_WIDTH"
                        + " ? ((b * IN_HEIGHT + y) * IN_WIDTH + x) * IN_CHANNELS : -1")
                .endControlFlow().endControlFlow().endControlFlow()
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                .addStatement("float[] dk = dRows[(ky * KERNEL_WIDTH + kx) * IN_CHANNELS + c]")
                .addStatement("int q = 0")
                .beginControlFlow("for (; q + $L <= count; q += $L)", UNROLL, UNROLL);
        StringBuilder inside = new StringBuilder();
        for (int u = 0; u < UNROLL; u++) {
            inside.append(u == 0 ? "" : " && ").append("at[").append(plus("q", u)).append("] >= 0");
        }
        b.beginControlFlow("if ($L)", inside);
        for (int u = 0; u < UNROLL; u++) {
            b.addStatement("float v$L = in[at[$L] + c]", u, plus("q", u))
                    .addStatement("float[] d$L = pixels[$L]", u, plus("q", u));
        }
        b.add(unrolledRows("dk", "FILTERS", "f", UNROLL, "v", "d"))
                .nextControlFlow("else")
                .beginControlFlow("for (int u = q; u < q + $L; u++)", UNROLL)
                .add(singlePixel("u"))
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .beginControlFlow("for (; q < count; q++)")
                .add(singlePixel("q"))
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .endControlFlow();
        return MethodSpec.methodBuilder("kernelGradients").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("Adds every output pixel's contribution to the kernel's gradient, in pixel order.\n")
                .addParameter(float[].class, "in").addParameter(float[][].class, "pixels").addParameter(int[].class, "at")
                .addParameter(float[][].class, "dRows").addParameter(int.class, "n")
                .addCode(b.build()).build();
    }

    /** One pixel's contribution to {@code dk}, if its tap reads inside the input. */
    private static CodeBlock singlePixel(String p) {
        return CodeBlock.builder().beginControlFlow("if (at[$L] >= 0)", p)
                .addStatement("float v0 = in[at[$L] + c]", p)
                .addStatement("float[] d0 = pixels[$L]", p)
                .add(unrolledRows("dk", "FILTERS", "f", 1, "v", "d"))
                .endControlFlow().build();
    }

    private static String inIndexFirst(String row, String column) {
        return "((b * IN_CHANNELS + c) * IN_HEIGHT + " + Window.plus("iy", row) + ") * IN_WIDTH + " + Window.plus("ix", column);
    }

    private static CodeBlock forwardChannelsFirst(Window win, boolean bias) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int f = 0; f < FILTERS; f++)");
        positions(b).addStatement("float s = $L", bias ? "bias[f]" : "0f");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                .addStatement("s += in[$L] * kernel[($L * IN_CHANNELS + c) * FILTERS + f]", inIndexFirst(row, column), tap)
                .endControlFlow()
                .build()));
        b.addStatement("out[((b * FILTERS + f) * OUT_HEIGHT + oy) * OUT_WIDTH + ox] = s");
        return b.endControlFlow().endControlFlow().endControlFlow().endControlFlow().build();
    }

    private static CodeBlock backwardChannelsFirst(Window win, boolean bias, boolean inputGradient) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int f = 0; f < FILTERS; f++)");
        positions(b).addStatement("float d = dOut[((b * FILTERS + f) * OUT_HEIGHT + oy) * OUT_WIDTH + ox]");
        if (bias) {
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

}
