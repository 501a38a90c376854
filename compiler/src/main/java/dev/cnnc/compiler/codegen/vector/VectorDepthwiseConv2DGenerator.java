package dev.cnnc.compiler.codegen.vector;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.WeightedLayerGenerator;
import dev.cnnc.compiler.codegen.Window;
import dev.cnnc.compiler.codegen.portable.DepthwiseConv2DGenerator;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.DepthwiseConv2DLayer;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * DepthwiseConv2D with the Vector API, channels-last with depth multiplier 1 and windows of up to
 * {@link Window#MAX_UNROLLED} taps (other layers fall back to portable code): the passes of {@link
 * VectorDepthwise}, one example at a time, on the input copied inside zero borders into the layer's
 * scratch buffer (with the padded output gradient after it for stride 1).
 */
final class VectorDepthwiseConv2DGenerator implements LayerGenerator<DepthwiseConv2DLayer> {

    @Override
    public boolean handles(DepthwiseConv2DLayer l) {
        return l.geometry().channelsLast() && l.depthMultiplier() == 1 && Window.of(l.geometry()).unrolled();
    }

    private static VectorDepthwise passes(DepthwiseConv2DLayer l, LayerSite site) {
        return VectorDepthwise.depthwise(l.geometry(), l.useBias(), site.computesInputGradient(),
                l.activation() == Activation.RELU);
    }

    @Override
    public long scratchFloats(DepthwiseConv2DLayer l, LayerSite site) {
        return passes(l, site).scratchFloats();
    }

    @Override
    public CodeBlock forwardCall(DepthwiseConv2DLayer l, LayerSite site) {
        return scratchFloats(l, site) > 0 ? site.weightedForwardCall(", " + site.scratchFloatField())
                : site.weightedForwardCall();
    }

    @Override
    public CodeBlock backwardCall(DepthwiseConv2DLayer l, LayerSite site) {
        return site.weightedBackwardCall();
    }

    @Override
    public TypeSpec generate(DepthwiseConv2DLayer l, LayerSite site) {
        VectorDepthwise passes = passes(l, site);
        boolean dIn = site.computesInputGradient();
        TypeSpec.Builder t = DepthwiseConv2DGenerator.header(l, site);
        t.addFields(VectorKernels.species());
        t.addField(FieldSpec.builder(int.class, "C_VEC", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("OUT_CHANNELS - OUT_CHANNELS % L")
                .addJavadoc("Channels computed with vectors; the rest are scalar.\n").build());
        t.addFields(passes.constants("0"));
        t.addMethods(passes.helpers());
        List<ParameterSpec> buffers = scratchFloats(l, site) > 0
                ? List.of(ParameterSpec.builder(float[].class, "scratch").build()) : List.of();
        CodeBlock forward = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)")
                .add(passes.forward()).endControlFlow().build();
        CodeBlock backward = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)")
                .add(passes.padInput()).add(passes.backward()).endControlFlow().build();
        WeightedLayerGenerator.addPasses(t, site, "depthwise_conv", l.kernelShape(), l.outputChannels(), forward, backward,
                buffers, buffers, !passes.setsInputGradient(),
                l.activation() == Activation.LINEAR ? null
                        : VectorActivations.backward(l.activation(), "OUT_SIZE", l.outputShape().dim(2)),
                l.activation() == Activation.RELU);
        return t.build();
    }
}
