package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.ActivationCode;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.WeightedLayerGenerator;
import dev.cnnc.compiler.codegen.Window;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Conv2DTransposeLayer;
import dev.cnnc.compiler.ir.Geometry2D;
import java.util.Arrays;
import javax.lang.model.element.Modifier;

/**
 * Conv2DTranspose in plain Java: the input gradient of the convolution from this layer's output to
 * its input (TensorFlow's {@code conv2d_transpose}, kernel {@code (kh, kw, filters, in)}, not
 * flipped). Input cell {@code (inY, inX)} is that convolution's output position: its window starts at
 * output row {@code iy = inY * STRIDE_HEIGHT - PAD_TOP}; forward scatters {@code in[y, x] * kernel} over
 * the window, backward gathers {@code dOut} from it (a plain convolution) into dIn and dKernel.
 */
public final class Conv2DTransposeGenerator implements WeightedLayerGenerator<Conv2DTransposeLayer> {

    @Override
    public TypeSpec generate(Conv2DTransposeLayer l, LayerSite site) {
        Geometry2D g = l.geometry();
        Window win = Window.of(g);
        boolean last = g.channelsLast();
        int[] op = l.outputPadding();
        TypeSpec.Builder t = site.classBuilder(l.filters() + " filters of " + g.kernelHeight() + "x" + g.kernelWidth()
                + " transposed, strides (" + g.strideHeight() + ", " + g.strideWidth() + "), dilation ("
                + g.dilationHeight() + ", " + g.dilationWidth() + "), padding '" + g.padding().keras() + "' "
                + g.describePads() + " of the convolution it transposes, output_padding "
                + (op == null ? "None" : "(" + op[0] + ", " + op[1] + ")") + ", " + g.dataFormat().keras()
                + ", activation " + l.activation().keras());
        t.addField(LayerSite.constant("IN_HEIGHT", g.outHeight()));
        t.addField(LayerSite.constant("IN_WIDTH", g.outWidth()));
        t.addField(LayerSite.constant("IN_CHANNELS", l.inputChannels()));
        t.addField(LayerSite.constant("OUT_HEIGHT", g.inHeight()));
        t.addField(LayerSite.constant("OUT_WIDTH", g.inWidth()));
        t.addField(LayerSite.constant("FILTERS", l.filters()));
        t.addField(LayerSite.constant("KERNEL_HEIGHT", g.kernelHeight()));
        t.addField(LayerSite.constant("KERNEL_WIDTH", g.kernelWidth()));
        t.addField(LayerSite.constant("STRIDE_HEIGHT", g.strideHeight()));
        t.addField(LayerSite.constant("STRIDE_WIDTH", g.strideWidth()));
        t.addField(LayerSite.constant("PAD_TOP", g.padTop()));
        t.addField(LayerSite.constant("PAD_LEFT", g.padLeft()));
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("OUT_SIZE", l.outputShape().size()));
        t.addField(LayerSite.constant("OUT_PIXELS", (long) g.inHeight() * g.inWidth()));
        boolean bias = l.useBias();
        Activation act = l.activation();
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("out = $Lconv_transpose(in, kernel)$L, for the first {@code n} examples.\n",
                        Conv2DGenerator.activationPrefix(act), bias ? " + bias" : "")
                .addJavadoc("\n<p>in $L, out $L, kernel $L$L.\n", LayerSite.batch(l.inputShape()),
                        LayerSite.batch(l.outputShape()), LayerSite.dims(l.kernelShape()),
                        bias ? ", bias (" + l.filters() + ")" : "")
                .addParameter(float[].class, "in").addParameter(float[].class, "out")
                .addParameter(float[].class, "kernel");
        if (bias) {
            forward.addParameter(float[].class, "bias");
        }
        forward.addParameter(int.class, "n").addCode(initialize(last, bias)).addCode(walk(win, last, true, false, bias));
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
        MethodSpec.Builder backward = WeightedLayerGenerator.backwardMethod(site, bias);
        if (dIn) {
            backward.addStatement("$T.fill(dIn, 0, n * IN_SIZE, 0f)", Arrays.class);
        }
        if (bias) {
            backward.addCode(biasGradient(last));
        }
        backward.addCode(walk(win, last, false, dIn, bias));
        t.addMethod(backward.build());
        return t.build();
    }

    /** out = bias (or 0) everywhere, before the scatter. */
    private static CodeBlock initialize(boolean last, boolean bias) {
        if (!bias) {
            return CodeBlock.of("$T.fill(out, 0, n * OUT_SIZE, 0f);\n", Arrays.class);
        }
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)");
        if (last) {
            b.beginControlFlow("for (int p = 0; p < OUT_PIXELS; p++)")
                    .addStatement("$T.arraycopy(bias, 0, out, (b * OUT_PIXELS + p) * FILTERS, FILTERS)", System.class)
                    .endControlFlow();
        } else {
            b.beginControlFlow("for (int f = 0; f < FILTERS; f++)")
                    .addStatement("int o = (b * FILTERS + f) * OUT_PIXELS")
                    .addStatement("$T.fill(out, o, o + OUT_PIXELS, bias[f])", Arrays.class)
                    .endControlFlow();
        }
        return b.endControlFlow().build();
    }

    private static CodeBlock biasGradient(boolean last) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int p = 0; p < OUT_PIXELS; p++)")
                .beginControlFlow("for (int f = 0; f < FILTERS; f++)")
                .addStatement("dBias[f] += dOut[$L]", last ? "(b * OUT_PIXELS + p) * FILTERS + f"
                        : "(b * FILTERS + f) * OUT_PIXELS + p");
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }

    /** Every (input cell, tap) pair: forward scatters into out, backward gathers dOut into dIn and dKernel. */
    private static CodeBlock walk(Window win, boolean last, boolean forward, boolean inputGradient, boolean bias) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int inY = 0; inY < IN_HEIGHT; inY++)")
                .add("// the window of input row inY starts at output row iy\n")
                .addStatement("int iy = inY * STRIDE_HEIGHT - PAD_TOP")
                .beginControlFlow("for (int inX = 0; inX < IN_WIDTH; inX++)")
                .addStatement("int ix = inX * STRIDE_WIDTH - PAD_LEFT");
        if (last) {
            b.addStatement("int i = ((b * IN_HEIGHT + inY) * IN_WIDTH + inX) * IN_CHANNELS");
        }
        b.addStatement("int o").addStatement("int k");
        b.add(win.taps((row, column, tap) -> {
            CodeBlock.Builder t = CodeBlock.builder();
            if (last) {
                t.addStatement("o = ((b * OUT_HEIGHT + $L) * OUT_WIDTH + $L) * FILTERS", Window.plus("iy", row),
                        Window.plus("ix", column));
            } else {
                t.addStatement("o = (b * FILTERS * OUT_HEIGHT + $L) * OUT_WIDTH + $L", Window.plus("iy", row),
                        Window.plus("ix", column));
            }
            t.addStatement("k = $L * FILTERS * IN_CHANNELS", tap)
                    .beginControlFlow("for (int f = 0; f < FILTERS; f++)")
                    .addStatement("int kf = k + f * IN_CHANNELS");
            String outAt = last ? "o + f" : "o + f * OUT_PIXELS";
            String inAt = last ? "i + c" : "((b * IN_CHANNELS + c) * IN_HEIGHT + inY) * IN_WIDTH + inX";
            if (forward) {
                t.addStatement("float s = 0f")
                        .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                        .addStatement("s += in[$L] * kernel[kf + c]", inAt)
                        .endControlFlow()
                        .addStatement("out[$L] += s", outAt);
            } else {
                t.addStatement("float d = dOut[$L]", outAt)
                        .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)");
                if (!last) {
                    t.addStatement("int i = $L", inAt);
                }
                String at = last ? "i + c" : "i";
                t.addStatement("dKernel[kf + c] += in[$L] * d", at);
                if (inputGradient) {
                    t.addStatement("dIn[$L] += kernel[kf + c] * d", at);
                }
                t.endControlFlow();
            }
            return t.endControlFlow().build();
        }));
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }
}
