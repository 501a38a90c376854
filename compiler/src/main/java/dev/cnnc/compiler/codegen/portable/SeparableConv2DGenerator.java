package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.ActivationCode;
import dev.cnnc.compiler.codegen.LayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.Window;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Geometry2D;
import dev.cnnc.compiler.ir.SeparableConv2DLayer;
import dev.cnnc.compiler.ir.Weight;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * SeparableConv2D in plain Java, one example at a time: the depthwise convolution writes the
 * example's middle tensor {@code (OUT_HEIGHT, OUT_WIDTH, MIDDLE_CHANNELS)} (channels-last whatever
 * the data format, middle channel {@code c * DEPTH_MULTIPLIER + m}) into the layer's scratch buffer,
 * then the 1x1 pointwise convolution and the bias make the output. Backward recomputes the middle
 * tensor rather than keeping one per example, puts its gradient in the second half of the scratch
 * buffer, and runs the depthwise backward pass from it.
 */
public final class SeparableConv2DGenerator implements LayerGenerator<SeparableConv2DLayer> {

    @Override
    public long scratchFloats(SeparableConv2DLayer l, LayerSite site) {
        return 2 * l.middleSize();
    }

    /** The layer class with its javadoc and constants, shared with the Vector API generator. */
    public static TypeSpec.Builder header(SeparableConv2DLayer l, LayerSite site) {
        Geometry2D g = l.geometry();
        TypeSpec.Builder t = site.classBuilder(l.filters() + " filters after depth multiplier " + l.depthMultiplier() + ", "
                + g.kernelHeight() + "x" + g.kernelWidth() + " depthwise kernels, strides (" + g.strideHeight() + ", "
                + g.strideWidth() + "), dilation (" + g.dilationHeight() + ", " + g.dilationWidth() + "), padding '"
                + g.padding().keras() + "' " + g.describePads() + ", " + g.dataFormat().keras() + ", activation "
                + l.activation().keras());
        t.addField(LayerSite.constant("IN_HEIGHT", g.inHeight()));
        t.addField(LayerSite.constant("IN_WIDTH", g.inWidth()));
        t.addField(LayerSite.constant("IN_CHANNELS", l.inputChannels()));
        t.addField(LayerSite.constant("DEPTH_MULTIPLIER", l.depthMultiplier()));
        t.addField(LayerSite.constant("MIDDLE_CHANNELS", l.middleChannels()));
        t.addField(LayerSite.constant("FILTERS", l.filters()));
        t.addField(LayerSite.constant("OUT_HEIGHT", g.outHeight()));
        t.addField(LayerSite.constant("OUT_WIDTH", g.outWidth()));
        t.addField(LayerSite.constant("PIXELS", (long) g.outHeight() * g.outWidth()));
        t.addField(LayerSite.constant("STRIDE_HEIGHT", g.strideHeight()));
        t.addField(LayerSite.constant("STRIDE_WIDTH", g.strideWidth()));
        t.addField(LayerSite.constant("PAD_TOP", g.padTop()));
        t.addField(LayerSite.constant("PAD_LEFT", g.padLeft()));
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("MIDDLE_SIZE", l.middleSize()));
        t.addField(LayerSite.constant("OUT_SIZE", l.outputShape().size()));
        return t;
    }

    @Override
    public TypeSpec generate(SeparableConv2DLayer l, LayerSite site) {
        Geometry2D g = l.geometry();
        Window win = Window.of(g);
        boolean last = g.channelsLast();
        boolean bias = l.useBias();
        Activation act = l.activation();
        TypeSpec.Builder t = header(l, site);

        t.addMethod(depthwiseMethod()                .addCode(depthwise(win, last, false, false)).build());

        MethodSpec.Builder forward = forwardMethod(l, "")
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .addStatement("depthwise(in, b, depthwiseKernel, scratch)")
                .addCode(pointwiseForward(last, bias))
                .endControlFlow();
        if (act != Activation.LINEAR) {
            forward.addStatement("activate(out, n)");
        }
        t.addMethod(forward.build());
        if (act != Activation.LINEAR) {
            int lastAxis = l.outputShape().dim(2);
            t.addMethod(ActivationCode.forward(act, "OUT_SIZE", lastAxis));
            t.addMethod(ActivationCode.backward(act, "OUT_SIZE", lastAxis));
        }

        boolean dIn = site.computesInputGradient();
        MethodSpec.Builder backward = backwardMethod(l, dIn, "");
        backward.beginControlFlow("for (int b = 0; b < n; b++)")
                .addStatement("depthwise(in, b, depthwiseKernel, scratch)")
                .addCode(pointwiseBackward(last, bias))
                .addStatement("depthwiseBackward(in, b, $LdepthwiseKernel, dDepthwiseKernel, scratch)", dIn ? "dIn, " : "")
                .endControlFlow();
        t.addMethod(backward.build());

        t.addMethod(depthwiseBackwardMethod(dIn)                .addCode(depthwise(win, last, true, dIn)).build());
        return t.build();
    }

    /** {@code depthwise(in, b, depthwiseKernel, middle)}, without its body (both variants). */
    public static MethodSpec.Builder depthwiseMethod() {
        return MethodSpec.methodBuilder("depthwise").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("middle[0, MIDDLE_SIZE) = depthwise_conv(in of example b, depthwiseKernel), channels-last.\n")
                .addParameter(float[].class, "in").addParameter(int.class, "b").addParameter(float[].class, "depthwiseKernel")
                .addParameter(float[].class, "middle");
    }

    /** {@code forward}'s documentation and parameters (the activation is the caller's); {@code note} ends the javadoc. */
    public static MethodSpec.Builder forwardMethod(SeparableConv2DLayer l, String note) {
        boolean bias = l.useBias();
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("out = $Lpointwise(depthwise(in))$L, for the first {@code n} examples.\n",
                        Conv2DGenerator.activationPrefix(l.activation()), bias ? " + bias" : "")
                .addJavadoc("\n<p>in $L, out $L, depthwiseKernel $L, pointwiseKernel $L$L; scratch holds one example's "
                        + "middle tensor.$L\n", LayerSite.batch(l.inputShape()), LayerSite.batch(l.outputShape()),
                        LayerSite.dims(l.weights().get(0).shape()), LayerSite.dims(l.weights().get(1).shape()),
                        bias ? ", bias (" + l.filters() + ")" : "", note)
                .addParameter(float[].class, "in").addParameter(float[].class, "out")
                .addParameter(float[].class, "depthwiseKernel").addParameter(float[].class, "pointwiseKernel");
        if (bias) {
            forward.addParameter(float[].class, "bias");
        }
        return forward.addParameter(float[].class, "scratch").addParameter(int.class, "n");
    }

    /** {@code backward}'s documentation and parameters, and the zeroing of dIn; {@code note} ends the javadoc. */
    public static MethodSpec.Builder backwardMethod(SeparableConv2DLayer l, boolean dIn, String note) {
        return backwardMethod(l, dIn, true, note);
    }

    /** As {@link #backwardMethod(SeparableConv2DLayer, boolean, String)}; {@code clear}: zero dIn first (the passes add into it). */
    public static MethodSpec.Builder backwardMethod(SeparableConv2DLayer l, boolean dIn, boolean clear, String note) {
        boolean bias = l.useBias();
        MethodSpec.Builder backward = MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("From {@code dOut}, the gradient of the pre-activation output: accumulates the kernels'$L "
                        + "gradients$L.$L\n", bias ? " and the bias's" : "", dIn ? " and sets dIn" : "", note)
                .addParameter(float[].class, "in").addParameter(float[].class, "dOut");
        if (dIn) {
            backward.addParameter(float[].class, "dIn");
        }
        backward.addParameter(float[].class, "depthwiseKernel").addParameter(float[].class, "dDepthwiseKernel")
                .addParameter(float[].class, "pointwiseKernel").addParameter(float[].class, "dPointwiseKernel");
        if (bias) {
            backward.addParameter(float[].class, "dBias");
        }
        backward.addParameter(float[].class, "scratch").addParameter(int.class, "n");
        if (dIn && clear) {
            backward.addStatement("$T.fill(dIn, 0, n * IN_SIZE, 0f)", Arrays.class);
        }
        return backward;
    }

    /** {@code depthwiseBackward(in, b, [dIn,] depthwiseKernel, dDepthwiseKernel, scratch)}, without its body. */
    public static MethodSpec.Builder depthwiseBackwardMethod(boolean dIn) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("depthwiseBackward").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("From the middle gradient in scratch[MIDDLE_SIZE, 2 * MIDDLE_SIZE): accumulates "
                        + "dDepthwiseKernel$L for example b.\n", dIn ? " and dIn" : "")
                .addParameter(float[].class, "in").addParameter(int.class, "b");
        if (dIn) {
            m.addParameter(float[].class, "dIn");
        }
        return m.addParameter(float[].class, "depthwiseKernel").addParameter(float[].class, "dDepthwiseKernel")
                .addParameter(float[].class, "scratch");
    }

    /** The input index of channel {@code c} at a tap. */
    private static String in(boolean last, String row, String column) {
        return last ? "((b * IN_HEIGHT + " + Window.plus("iy", row) + ") * IN_WIDTH + " + Window.plus("ix", column)
                + ") * IN_CHANNELS + c"
                : "((b * IN_CHANNELS + c) * IN_HEIGHT + " + Window.plus("iy", row) + ") * IN_WIDTH + "
                        + Window.plus("ix", column);
    }

    /** The depthwise pass of example b (forward into {@code middle}, or backward from the scratch's second half). */
    private static CodeBlock depthwise(Window win, boolean last, boolean backward, boolean inputGradient) {
        CodeBlock.Builder b = CodeBlock.builder();
        Conv2DGenerator.positions(b).addStatement("int o = (oy * OUT_WIDTH + ox) * MIDDLE_CHANNELS");
        if (!backward) {
            b.addStatement("$T.fill(middle, o, o + MIDDLE_CHANNELS, 0f)", Arrays.class);
        } else {
            b.addStatement("int d = MIDDLE_SIZE + o");
        }
        b.addStatement("int i").addStatement("int k");
        b.add(win.taps((row, column, tap) -> {
            CodeBlock.Builder t = CodeBlock.builder()
                    .addStatement("k = $L * MIDDLE_CHANNELS", tap)
                    .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                    .addStatement("i = $L", in(last, row, column))
                    .addStatement("float v = in[i]")
                    .addStatement("int mc = c * DEPTH_MULTIPLIER");
            if (!backward) {
                t.beginControlFlow("for (int m = 0; m < DEPTH_MULTIPLIER; m++)")
                        .addStatement("middle[o + mc + m] += v * depthwiseKernel[k + mc + m]")
                        .endControlFlow();
            } else {
                if (inputGradient) {
                    t.addStatement("float s = 0f");
                }
                t.beginControlFlow("for (int m = 0; m < DEPTH_MULTIPLIER; m++)")
                        .addStatement("float g = scratch[d + mc + m]")
                        .addStatement("dDepthwiseKernel[k + mc + m] += v * g");
                if (inputGradient) {
                    t.addStatement("s += depthwiseKernel[k + mc + m] * g");
                }
                t.endControlFlow();
                if (inputGradient) {
                    t.addStatement("dIn[i] += s");
                }
            }
            return t.endControlFlow().build();
        }));
        return b.endControlFlow().endControlFlow().build();
    }

    private static CodeBlock pointwiseForward(boolean last, boolean bias) {
        CodeBlock.Builder b = CodeBlock.builder().add("// pointwise: out = middle x pointwiseKernel$L\n", bias ? " + bias" : "")
                .beginControlFlow("for (int p = 0; p < PIXELS; p++)")
                .addStatement("int m = p * MIDDLE_CHANNELS");
        if (last) {
            b.addStatement("int q = (b * PIXELS + p) * FILTERS");
            b.addStatement(bias ? "$T.arraycopy(bias, 0, out, q, FILTERS)" : "$T.fill(out, q, q + FILTERS, 0f)",
                    bias ? System.class : Arrays.class);
            b.beginControlFlow("for (int mc = 0; mc < MIDDLE_CHANNELS; mc++)")
                    .addStatement("float v = scratch[m + mc]")
                    .addStatement("int k = mc * FILTERS")
                    .beginControlFlow("for (int f = 0; f < FILTERS; f++)")
                    .addStatement("out[q + f] += v * pointwiseKernel[k + f]")
                    .endControlFlow().endControlFlow();
        } else {
            b.beginControlFlow("for (int f = 0; f < FILTERS; f++)")
                    .addStatement("float s = $L", bias ? "bias[f]" : "0f")
                    .beginControlFlow("for (int mc = 0; mc < MIDDLE_CHANNELS; mc++)")
                    .addStatement("s += scratch[m + mc] * pointwiseKernel[mc * FILTERS + f]")
                    .endControlFlow()
                    .addStatement("out[(b * FILTERS + f) * PIXELS + p] = s")
                    .endControlFlow();
        }
        return b.endControlFlow().build();
    }

    private static CodeBlock pointwiseBackward(boolean last, boolean bias) {
        CodeBlock.Builder b = CodeBlock.builder()
                .add("// pointwise: dPointwiseKernel += middle^T dOut; the middle gradient goes to scratch[MIDDLE_SIZE..]\n")
                .beginControlFlow("for (int p = 0; p < PIXELS; p++)")
                .addStatement("int m = p * MIDDLE_CHANNELS");
        String dOut = last ? "dOut[(b * PIXELS + p) * FILTERS + f]" : "dOut[(b * FILTERS + f) * PIXELS + p]";
        if (bias) {
            b.beginControlFlow("for (int f = 0; f < FILTERS; f++)").addStatement("dBias[f] += $L", dOut).endControlFlow();
        }
        b.beginControlFlow("for (int mc = 0; mc < MIDDLE_CHANNELS; mc++)")
                .addStatement("float v = scratch[m + mc]")
                .addStatement("int k = mc * FILTERS")
                .addStatement("float s = 0f")
                .beginControlFlow("for (int f = 0; f < FILTERS; f++)")
                .addStatement("float d = $L", dOut)
                .addStatement("dPointwiseKernel[k + f] += v * d")
                .addStatement("s += pointwiseKernel[k + f] * d")
                .endControlFlow()
                .addStatement("scratch[MIDDLE_SIZE + m + mc] = s")
                .endControlFlow();
        return b.endControlFlow().build();
    }

    @Override
    public CodeBlock forwardCall(SeparableConv2DLayer l, LayerSite site) {
        StringBuilder weights = new StringBuilder();
        for (Weight w : l.weights()) {
            weights.append(", ").append(site.weightField(w));
        }
        return CodeBlock.builder().addStatement("$T.forward($L, $L$L, $L, n)", site.className(), site.in(), site.out(),
                weights, site.scratchFloatField()).build();
    }

    @Override
    public CodeBlock backwardCall(SeparableConv2DLayer l, LayerSite site) {
        List<Weight> w = l.weights();
        return CodeBlock.builder().addStatement("$T.backward($L, $L$L, $L, $L, $L, $L$L, $L, n)", site.className(), site.in(),
                site.dOut(), site.computesInputGradient() ? ", " + site.dIn() : "", site.weightField(w.get(0)),
                site.weightGradientField(w.get(0)), site.weightField(w.get(1)), site.weightGradientField(w.get(1)),
                w.size() > 2 ? ", " + site.weightGradientField(w.get(2)) : "", site.scratchFloatField()).build();
    }
}
