package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.WeightedLayerGenerator;
import dev.cnnc.compiler.codegen.Window;
import dev.cnnc.compiler.ir.DepthwiseConv2DLayer;
import dev.cnnc.compiler.ir.Geometry2D;
import java.util.Arrays;
import javax.lang.model.element.Modifier;

/**
 * DepthwiseConv2D in plain Java: output channel {@code c * DEPTH_MULTIPLIER + m} is input channel
 * {@code c} convolved with kernel {@code (.., .., c, m)}. With the kernel laid out {@code (kh, kw, in,
 * depth_multiplier)}, a tap's weights for all output channels are contiguous and in output-channel
 * order, so channels-last keeps them innermost; channels-first is plain loops.
 */
public final class DepthwiseConv2DGenerator implements WeightedLayerGenerator<DepthwiseConv2DLayer> {

    /** The layer's class with its javadoc and shape constants (both variants). */
    public static TypeSpec.Builder header(DepthwiseConv2DLayer l, LayerSite site) {
        Geometry2D g = l.geometry();
        TypeSpec.Builder t = site.classBuilder("depth multiplier " + l.depthMultiplier() + ", " + g.kernelHeight() + "x"
                + g.kernelWidth() + " kernels, strides (" + g.strideHeight() + ", " + g.strideWidth() + "), padding '"
                + g.padding().keras() + "' " + g.describePads() + ", " + g.dataFormat().keras() + ", activation "
                + l.activation().keras());
        t.addField(LayerSite.constant("IN_HEIGHT", g.inHeight()));
        t.addField(LayerSite.constant("IN_WIDTH", g.inWidth()));
        t.addField(LayerSite.constant("IN_CHANNELS", l.inputChannels()));
        t.addField(LayerSite.constant("DEPTH_MULTIPLIER", l.depthMultiplier()));
        t.addField(LayerSite.constant("OUT_CHANNELS", l.outputChannels()));
        t.addField(LayerSite.constant("OUT_HEIGHT", g.outHeight()));
        t.addField(LayerSite.constant("OUT_WIDTH", g.outWidth()));
        t.addField(LayerSite.constant("KERNEL_HEIGHT", g.kernelHeight()));
        t.addField(LayerSite.constant("KERNEL_WIDTH", g.kernelWidth()));
        t.addField(LayerSite.constant("STRIDE_HEIGHT", g.strideHeight()));
        t.addField(LayerSite.constant("STRIDE_WIDTH", g.strideWidth()));
        t.addField(LayerSite.constant("PAD_TOP", g.padTop()));
        t.addField(LayerSite.constant("PAD_BOTTOM", g.padBottom()));
        t.addField(LayerSite.constant("PAD_LEFT", g.padLeft()));
        t.addField(LayerSite.constant("PAD_RIGHT", g.padRight()));
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("OUT_SIZE", l.outputShape().size()));
        return t;
    }

    @Override
    public TypeSpec generate(DepthwiseConv2DLayer l, LayerSite site) {
        Geometry2D g = l.geometry();
        Window win = Window.of(g);
        TypeSpec.Builder t = header(l, site);
        boolean bias = l.useBias();
        boolean dIn = site.computesInputGradient();
        WeightedLayerGenerator.addPasses(t, site, "depthwise_conv", l.kernelShape(), l.outputChannels(),
                g.channelsLast() ? forwardChannelsLast(win, bias) : forwardChannelsFirst(win, bias),
                g.channelsLast() ? backwardChannelsLast(win, bias, dIn) : backwardChannelsFirst(win, bias, dIn));
        return t.build();
    }

    private static String inLast(String row, String column) {
        return "((b * IN_HEIGHT + " + Window.plus("iy", row) + ") * IN_WIDTH + " + Window.plus("ix", column)
                + ") * IN_CHANNELS";
    }

    private static String inFirst(String row, String column) {
        return "((b * IN_CHANNELS + c) * IN_HEIGHT + " + Window.plus("iy", row) + ") * IN_WIDTH + "
                + Window.plus("ix", column);
    }

    private static CodeBlock forwardChannelsLast(Window win, boolean bias) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)");
        Conv2DGenerator.positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * OUT_CHANNELS");
        if (bias) {
            b.addStatement("$T.arraycopy(bias, 0, out, o, OUT_CHANNELS)", System.class);
        } else {
            b.addStatement("$T.fill(out, o, o + OUT_CHANNELS, 0f)", Arrays.class);
        }
        b.addStatement("int i").addStatement("int k");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = $L", inLast(row, column))
                .addStatement("k = $L * OUT_CHANNELS", tap)
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                .addStatement("float v = in[i + c]")
                .addStatement("int oc = c * DEPTH_MULTIPLIER")
                .beginControlFlow("for (int m = 0; m < DEPTH_MULTIPLIER; m++)")
                .addStatement("out[o + oc + m] += v * kernel[k + oc + m]")
                .endControlFlow()
                .endControlFlow()
                .build()));
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }

    private static CodeBlock backwardChannelsLast(Window win, boolean bias, boolean inputGradient) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)");
        Conv2DGenerator.positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * OUT_CHANNELS");
        if (bias) {
            b.beginControlFlow("for (int f = 0; f < OUT_CHANNELS; f++)").addStatement("dBias[f] += dOut[o + f]")
                    .endControlFlow();
        }
        b.addStatement("int i").addStatement("int k");
        b.add(win.taps((row, column, tap) -> {
            CodeBlock.Builder t = CodeBlock.builder()
                    .addStatement("i = $L", inLast(row, column))
                    .addStatement("k = $L * OUT_CHANNELS", tap)
                    .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                    .addStatement("float v = in[i + c]")
                    .addStatement("int oc = c * DEPTH_MULTIPLIER");
            if (inputGradient) {
                t.addStatement("float s = 0f");
            }
            t.beginControlFlow("for (int m = 0; m < DEPTH_MULTIPLIER; m++)")
                    .addStatement("float d = dOut[o + oc + m]")
                    .addStatement("dKernel[k + oc + m] += v * d");
            if (inputGradient) {
                t.addStatement("s += kernel[k + oc + m] * d");
            }
            t.endControlFlow();
            if (inputGradient) {
                t.addStatement("dIn[i + c] += s");
            }
            return t.endControlFlow().build();
        }));
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }

    private static CodeBlock forwardChannelsFirst(Window win, boolean bias) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                .beginControlFlow("for (int m = 0; m < DEPTH_MULTIPLIER; m++)")
                .addStatement("int oc = c * DEPTH_MULTIPLIER + m");
        Conv2DGenerator.positions(b).addStatement("float s = $L", bias ? "bias[oc]" : "0f");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("s += in[$L] * kernel[$L * OUT_CHANNELS + oc]", inFirst(row, column), tap)
                .build()));
        b.addStatement("out[((b * OUT_CHANNELS + oc) * OUT_HEIGHT + oy) * OUT_WIDTH + ox] = s");
        return b.endControlFlow().endControlFlow().endControlFlow().endControlFlow().endControlFlow().build();
    }

    private static CodeBlock backwardChannelsFirst(Window win, boolean bias, boolean inputGradient) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                .beginControlFlow("for (int m = 0; m < DEPTH_MULTIPLIER; m++)")
                .addStatement("int oc = c * DEPTH_MULTIPLIER + m");
        Conv2DGenerator.positions(b).addStatement("float d = dOut[((b * OUT_CHANNELS + oc) * OUT_HEIGHT + oy) * OUT_WIDTH + ox]");
        if (bias) {
            b.addStatement("dBias[oc] += d");
        }
        b.addStatement("int i").addStatement("int k");
        b.add(win.taps((row, column, tap) -> {
            CodeBlock.Builder t = CodeBlock.builder()
                    .addStatement("i = $L", inFirst(row, column))
                    .addStatement("k = $L * OUT_CHANNELS + oc", tap)
                    .addStatement("dKernel[k] += in[i] * d");
            if (inputGradient) {
                t.addStatement("dIn[i] += kernel[k] * d");
            }
            return t.build();
        }));
        return b.endControlFlow().endControlFlow().endControlFlow().endControlFlow().endControlFlow().build();
    }
}
