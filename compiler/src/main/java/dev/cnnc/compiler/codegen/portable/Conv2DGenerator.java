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
    static String activationPrefix(Activation a) {
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
                        ParameterSpec.builder(float[].class, "acc").build(),
                        ParameterSpec.builder(float[].class, "inAcc").build()));
        t.addMethod(MethodSpec.methodBuilder("accumulate").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("One tap: {@code acc += in[i ...] x rows[r ...]}, the input channels $L at a time.\n", UNROLL)
                .addParameter(float[].class, "in").addParameter(int.class, "i").addParameter(float[][].class, "rows")
                .addParameter(int.class, "r").addParameter(float[].class, "acc")
                .addCode(forwardTap("r", l.inputChannels())).build());
        t.addMethod(MethodSpec.methodBuilder("kernelGradient").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("One tap: {@code dRows[r + c] += in[i + c] * acc}, the output pixel's gradient.\n")
                .addParameter(float[].class, "in").addParameter(int.class, "i").addParameter(float[][].class, "dRows")
                .addParameter(int.class, "r").addParameter(float[].class, "acc")
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                .addStatement("float v = in[i + c]")
                .addStatement("float[] dk = dRows[r + c]")
                .beginControlFlow("for (int f = 0; f < FILTERS; f++)")
                .addStatement("dk[f] += v * acc[f]")
                .endControlFlow()
                .endControlFlow().build());
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
                        CodeBlock.of("new float[$T.IN_CHANNELS]", site.className()), "one tap's input gradient."));
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
                "$T.backward($L, $L$L, $L, $L$L, $LTransposedRows, $LGradientRows, $LAcc, $LInputAcc, n)",
                site.className(), site.in(), site.dOut(), site.computesInputGradient() ? ", " + site.dIn() : "",
                site.weightField(l.weights().get(0)), site.weightGradientField(l.weights().get(0)),
                l.useBias() ? ", " + site.weightGradientField(l.weights().get(1)) : "", p, p, p, p).build();
    }

    /** Copies {@code from} into {@code rows}, a row of {@code FILTERS} each. */
    private static CodeBlock toRows(String from, String rows) {
        return CodeBlock.builder().beginControlFlow("for (int r = 0; r < ROWS; r++)")
                .addStatement("$T.arraycopy($L, r * FILTERS, $L[r], 0, FILTERS)", System.class, from, rows)
                .endControlFlow().build();
    }

    /** Loops over output positions, setting {@code iy} and {@code ix} for the window. */
    static CodeBlock.Builder positions(CodeBlock.Builder b) {
        return b.beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .addStatement("int iy = oy * STRIDE_HEIGHT - PAD_TOP")
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("int ix = ox * STRIDE_WIDTH - PAD_LEFT");
    }

    /** Input channels (forward) or filters (input gradient) a pass over a row of sums takes at once. */
    static final int UNROLL = 8;

    /**
     * {@code acc[f] = ((acc[f] + v0 * k0[f]) + v1 * k1[f]) + ...} for the {@code UNROLL} rows from
     * {@code index}: the same roundings, in the same order, as one statement per row, with one load and
     * one store of the sums instead of one per row.
     */
    private static CodeBlock unrolledRows(String target, String length, String loopVar, int count, String value,
            String row) {
        return unrolledRows(target, target + "[" + loopVar + "]", length, loopVar, count, value, row);
    }

    /** {@link #unrolledRows} summing onto {@code start} (the target's old value, or {@code 0f}). */
    private static CodeBlock unrolledRows(String target, String start, String length, String loopVar, int count,
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
    private static String plus(String index, int k) {
        return k == 0 ? index : index + " + " + k;
    }

    /** One tap of the forward pass: the input channels {@code UNROLL} at a time, then the rest one by one. */
    private static CodeBlock forwardTap(String tap, int channels) {
        CodeBlock.Builder b = CodeBlock.builder();
        int blocked = channels - channels % UNROLL;
        if (blocked > 0) {
            b.beginControlFlow("for (int c = 0; c < $L; c += $L)", blocked == channels ? "IN_CHANNELS" : blocked, UNROLL);
            for (int u = 0; u < UNROLL; u++) {
                b.addStatement("float v$L = in[i + $L]", u, plus("c", u))
                        .addStatement("float[] k$L = rows[$L + $L]", u, tap, plus("c", u));
            }
            b.add(unrolledRows("acc", "FILTERS", "f", UNROLL, "v", "k")).endControlFlow();
        }
        if (blocked < channels) {
            b.beginControlFlow("for (int c = $L; c < IN_CHANNELS; c++)", blocked)
                    .addStatement("float v0 = in[i + c]")
                    .addStatement("float[] k0 = rows[$L + c]", tap)
                    .add(unrolledRows("acc", "FILTERS", "f", 1, "v", "k")).endControlFlow();
        }
        return b.build();
    }

    /**
     * One tap's input gradient: for each input channel, the sum over filters in filter order, from
     * {@code 0f} as the dot product it was written as (so that a sum of zeros keeps its sign as before).
     */
    private static CodeBlock inputGradientTap(String tap, int filters) {
        CodeBlock.Builder b = CodeBlock.builder();
        int blocked = filters - filters % UNROLL;
        boolean started = false;
        if (blocked > 0) {
            // the first block sets the sums, the others add to them
            b.add("{\n").indent();
            for (int u = 0; u < UNROLL; u++) {
                b.addStatement("float d$L = acc[$L]", u, u).addStatement("float[] k$L = rowsT[$L]", u, plus(tap, u));
            }
            b.add(unrolledRows("inAcc", "0f", "IN_CHANNELS", "c", UNROLL, "d", "k")).unindent().add("}\n");
            started = true;
            if (blocked > UNROLL) {
                b.beginControlFlow("for (int f = $L; f < $L; f += $L)", UNROLL, blocked == filters ? "FILTERS" : blocked,
                        UNROLL);
                for (int u = 0; u < UNROLL; u++) {
                    b.addStatement("float d$L = acc[$L]", u, plus("f", u))
                            .addStatement("float[] k$L = rowsT[$L + $L]", u, tap, plus("f", u));
                }
                b.add(unrolledRows("inAcc", "IN_CHANNELS", "c", UNROLL, "d", "k")).endControlFlow();
            }
        }
        if (blocked < filters) {
            if (!started) {
                b.addStatement("$T.fill(inAcc, 0f)", Arrays.class);
            }
            b.beginControlFlow("for (int f = $L; f < FILTERS; f++)", blocked)
                    .addStatement("float d0 = acc[f]")
                    .addStatement("float[] k0 = rowsT[$L + f]", tap)
                    .add(unrolledRows("inAcc", "IN_CHANNELS", "c", 1, "d", "k")).endControlFlow();
        }
        return b.beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                .addStatement("dIn[i + c] += inAcc[c]")
                .endControlFlow().build();
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
        b.add(toRows("dKernel", "dRows")).beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * FILTERS")
                .addStatement("$T.arraycopy(dOut, o, acc, 0, FILTERS)", System.class);
        if (bias) {
            b.beginControlFlow("for (int f = 0; f < FILTERS; f++)").addStatement("dBias[f] += acc[f]").endControlFlow();
        }
        b.addStatement("int i");
        b.add(win.taps((row, column, tap) -> {
            CodeBlock.Builder t = CodeBlock.builder()
                    .addStatement("i = ((b * IN_HEIGHT + $L) * IN_WIDTH + $L) * IN_CHANNELS", Window.plus("iy", row),
                            Window.plus("ix", column))
                    .addStatement("kernelGradient(in, i, dRows, $L * IN_CHANNELS, acc)", tap);
            if (inputGradient) {
                t.addStatement("inputGradient(dIn, i, rowsT, $L * FILTERS, acc, inAcc)", tap);
            }
            return t.build();
        }));
        b.endControlFlow().endControlFlow().endControlFlow();
        return b.beginControlFlow("for (int r = 0; r < ROWS; r++)")
                .addStatement("$T.arraycopy(dRows[r], 0, dKernel, r * FILTERS, FILTERS)", System.class)
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
