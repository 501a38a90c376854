package dev.cnnc.compiler.codegen.vector;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.ActivationCode;
import dev.cnnc.compiler.codegen.LayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.Window;
import dev.cnnc.compiler.codegen.portable.Conv2DGenerator;
import dev.cnnc.compiler.codegen.portable.SeparableConv2DGenerator;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.SeparableConv2DLayer;
import java.util.Arrays;
import javax.lang.model.element.Modifier;

/**
 * SeparableConv2D with the Vector API, channels-last with depth multiplier 1 (other layers fall
 * back to portable code), one example at a time as the portable code: the depthwise convolution
 * ({@link VectorDepthwise}: the valid convolution of the input copied inside zero borders, sums in
 * registers, for windows of up to {@link Window#MAX_UNROLLED} taps; larger ones multiply vectors of
 * channels tap by tap into memory) into the example's middle tensor in the scratch buffer, then the
 * pointwise 1x1 convolution is the dense kernels of {@link VectorKernels} over the example's pixels.
 * Backward recomputes the middle tensor, takes the pointwise kernel's gradient and the middle
 * gradient with the dense kernels (the pointwise kernel transposed once per call), then the
 * depthwise gradients. Scratch: the middle tensor, its gradient, the transposed pointwise kernel,
 * then the padded input and the padded middle gradient.
 */
final class VectorSeparableConv2DGenerator implements LayerGenerator<SeparableConv2DLayer> {
    private static final SeparableConv2DGenerator PORTABLE = new SeparableConv2DGenerator();
    private static final com.palantir.javapoet.ClassName FV = VectorTypes.FLOAT_VECTOR;

    @Override
    public boolean handles(SeparableConv2DLayer l) {
        return l.geometry().channelsLast() && l.depthMultiplier() == 1;
    }

    @Override
    public long scratchFloats(SeparableConv2DLayer l, LayerSite site) {
        long own = 2 * l.middleSize() + (long) l.middleChannels() * l.filters();
        return own + (valid(l) ? VectorDepthwise.separable(l.geometry(), site.computesInputGradient()).scratchFloats() : 0);
    }

    /** Windows whose taps are unrolled run the depthwise passes as valid convolutions ({@link VectorDepthwise}). */
    private static boolean valid(SeparableConv2DLayer l) {
        return Window.of(l.geometry()).unrolled();
    }

    @Override
    public CodeBlock forwardCall(SeparableConv2DLayer l, LayerSite site) {
        return PORTABLE.forwardCall(l, site);
    }

    @Override
    public CodeBlock backwardCall(SeparableConv2DLayer l, LayerSite site) {
        return PORTABLE.backwardCall(l, site);
    }

    @Override
    public TypeSpec generate(SeparableConv2DLayer l, LayerSite site) {
        Window win = Window.of(l.geometry());
        boolean bias = l.useBias();
        Activation act = l.activation();
        boolean dIn = site.computesInputGradient();
        TypeSpec.Builder t = SeparableConv2DGenerator.header(l, site);
        t.addFields(VectorKernels.constants("FILTERS"));
        t.addField(FieldSpec.builder(int.class, "C_VEC", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("MIDDLE_CHANNELS - MIDDLE_CHANNELS % L")
                .addJavadoc("Channels the depthwise passes compute with vectors; the rest are scalar.\n").build());

        VectorDepthwise passes = valid(l) ? VectorDepthwise.separable(l.geometry(), dIn) : null;
        if (passes != null) {
            t.addFields(passes.constants("2 * MIDDLE_SIZE + MIDDLE_CHANNELS * FILTERS"));
            t.addMethods(passes.helpers());
        }
        t.addMethod(passes != null ? passes.forwardMethod()
                : SeparableConv2DGenerator.depthwiseMethod().addCode(depthwise(win, false, false)).build());

        MethodSpec.Builder forward = SeparableConv2DGenerator.forwardMethod(l, " Vector API variant.")
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .addStatement("depthwise(in, b, depthwiseKernel, scratch)")
                .addComment("pointwise: the example's pixels times pointwiseKernel$L", bias ? ", plus bias" : "")
                .addCode(VectorKernels.rowsProduct("scratch", "0", "out", "b * OUT_SIZE", "pointwiseKernel",
                        bias ? "bias" : "null", "PIXELS"))
                .endControlFlow();
        if (act != Activation.LINEAR) {
            forward.addStatement("activate(out, n)");
        }
        t.addMethod(forward.build());
        t.addMethod(VectorKernels.denseExamples(4, "MIDDLE_CHANNELS", "FILTERS"));
        t.addMethod(VectorKernels.denseExamples(1, "MIDDLE_CHANNELS", "FILTERS"));
        if (act != Activation.LINEAR) {
            int lastAxis = l.outputShape().dim(2);
            t.addMethod(ActivationCode.forward(act, "OUT_SIZE", lastAxis));
            t.addMethod(VectorActivations.backward(act, "OUT_SIZE", lastAxis));
        }

        MethodSpec.Builder backward = SeparableConv2DGenerator.backwardMethod(l, dIn,
                passes == null || !passes.setsInputGradient(), " Vector API variant.");
        if (bias) {
            backward.addStatement("biasGradient(dOut, dBias, 0, n * PIXELS)");
        }
        backward.addComment("the pointwise kernel transposed, after the middle tensor and its gradient")
                .addStatement("transposeKernel(pointwiseKernel, scratch, 2 * MIDDLE_SIZE)")
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .addStatement("depthwise(in, b, depthwiseKernel, scratch)")
                .addComment("pointwise: dPointwiseKernel += middle^T dOut; the middle gradient goes to scratch[MIDDLE_SIZE..]")
                .addCode(VectorKernels.kernelGradientRows("scratch", "0", "dOut", "b * OUT_SIZE", "dPointwiseKernel",
                        "PIXELS", "MIDDLE_CHANNELS"))
                .addStatement("inputGradient(dOut, b * OUT_SIZE, scratch, MIDDLE_SIZE, scratch, 2 * MIDDLE_SIZE, PIXELS)")
                .addStatement("depthwiseBackward(in, b, $LdepthwiseKernel, dDepthwiseKernel, scratch)", dIn ? "dIn, " : "")
                .endControlFlow();
        t.addMethod(backward.build());
        t.addMethods(VectorKernels.denseGradients("MIDDLE_CHANNELS", "FILTERS", true));
        if (bias) {
            t.addMethod(VectorKernels.biasGradient("FILTERS"));
        }

        t.addMethod(SeparableConv2DGenerator.depthwiseBackwardMethod(dIn)
                .addCode(passes != null ? passes.backward() : depthwise(win, true, dIn)).build());
        return t.build();
    }

    /**
     * The depthwise pass of example b, tap by tap, {@code L} channels per vector: forward into
     * {@code middle}, or backward from the scratch's second half.
     */
    private static CodeBlock depthwise(Window win, boolean backward, boolean inputGradient) {
        CodeBlock.Builder b = CodeBlock.builder();
        Conv2DGenerator.positions(b).addStatement("int o = (oy * OUT_WIDTH + ox) * MIDDLE_CHANNELS");
        if (!backward) {
            b.addStatement("$T.fill(middle, o, o + MIDDLE_CHANNELS, 0f)", Arrays.class);
        } else {
            b.addStatement("int d = MIDDLE_SIZE + o");
        }
        b.addStatement("int i").addStatement("int k").addStatement("int c");
        b.add(win.taps((row, column, tap) -> {
            CodeBlock.Builder t = CodeBlock.builder()
                    .addStatement("i = ((b * IN_HEIGHT + $L) * IN_WIDTH + $L) * IN_CHANNELS", Window.plus("iy", row),
                            Window.plus("ix", column))
                    .addStatement("k = $L * MIDDLE_CHANNELS", tap)
                    .beginControlFlow("for (c = 0; c < C_VEC; c += L)");
            if (!backward) {
                t.addStatement("$T v = $T.fromArray(S, in, i + c)", FV, FV)
                        .addStatement("v.fma($T.fromArray(S, depthwiseKernel, k + c), $T.fromArray(S, middle, o + c))"
                                + ".intoArray(middle, o + c)", FV, FV);
            } else {
                t.addStatement("$T g = $T.fromArray(S, scratch, d + c)", FV, FV)
                        .addStatement("$T.fromArray(S, in, i + c).fma(g, $T.fromArray(S, dDepthwiseKernel, k + c))"
                                + ".intoArray(dDepthwiseKernel, k + c)", FV, FV);
                if (inputGradient) {
                    t.addStatement("$T.fromArray(S, depthwiseKernel, k + c).fma(g, $T.fromArray(S, dIn, i + c))"
                            + ".intoArray(dIn, i + c)", FV, FV);
                }
            }
            t.endControlFlow().beginControlFlow("for (; c < MIDDLE_CHANNELS; c++)");
            if (!backward) {
                t.addStatement("middle[o + c] += in[i + c] * depthwiseKernel[k + c]");
            } else {
                t.addStatement("float g = scratch[d + c]")
                        .addStatement("dDepthwiseKernel[k + c] += in[i + c] * g");
                if (inputGradient) {
                    t.addStatement("dIn[i + c] += depthwiseKernel[k + c] * g");
                }
            }
            return t.endControlFlow().build();
        }));
        return b.endControlFlow().endControlFlow().build();
    }
}
