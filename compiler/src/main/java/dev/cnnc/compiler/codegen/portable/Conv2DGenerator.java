package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.ActivationCode;
import dev.cnnc.compiler.codegen.WeightedLayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.Window;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.Geometry2D;
import java.util.Arrays;
import javax.lang.model.element.Modifier;

/**
 * Conv2D in plain Java. Channels-last keeps the filter loop innermost and contiguous in both the
 * output and the kernel {@code (kh, kw, in, filters)}, so that C2 vectorizes it; channels-first is
 * plain loops.
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
        WeightedLayerGenerator.addPasses(t, site, "conv", l.kernelShape(), l.filters(),
                g.channelsLast() ? forwardChannelsLast(win, bias) : forwardChannelsFirst(win, bias),
                g.channelsLast() ? backwardChannelsLast(win, bias, dIn) : backwardChannelsFirst(win, bias, dIn));
        return t.build();
    }

    /** Loops over output positions, setting {@code iy} and {@code ix} for the window. */
    static CodeBlock.Builder positions(CodeBlock.Builder b) {
        return b.beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .addStatement("int iy = oy * STRIDE_HEIGHT - PAD_TOP")
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("int ix = ox * STRIDE_WIDTH - PAD_LEFT");
    }

    private static CodeBlock forwardChannelsLast(Window win, boolean bias) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * FILTERS");
        if (bias) {
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

    private static CodeBlock backwardChannelsLast(Window win, boolean bias, boolean inputGradient) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * FILTERS");
        if (bias) {
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
