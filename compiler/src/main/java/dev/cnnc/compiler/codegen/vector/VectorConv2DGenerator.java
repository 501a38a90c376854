package dev.cnnc.compiler.codegen.vector;

import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.ActivationCode;
import dev.cnnc.compiler.codegen.WeightedLayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.portable.Conv2DGenerator;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.Geometry2D;
import dev.cnnc.compiler.ir.Padding;

/**
 * Conv2D with the Vector API, channels-last only (channels-first falls back to portable code):
 * the register-blocked kernels of {@link VectorKernels}, with the portable generator's constants.
 */
final class VectorConv2DGenerator implements WeightedLayerGenerator<Conv2DLayer> {

    @Override
    public boolean handles(Conv2DLayer layer) {
        return layer.geometry().channelsLast();
    }

    @Override
    public TypeSpec generate(Conv2DLayer l, LayerSite site) {
        Geometry2D g = l.geometry();
        boolean bias = l.useBias();
        Activation act = l.activation();
        TypeSpec.Builder t = Conv2DGenerator.header(l, site);
        t.addFields(VectorKernels.constants("FILTERS"));
        t.addField(VectorKernels.tileRows());
        boolean narrow = VectorKernels.narrow(l.filters());
        if (narrow) {
            t.addField(VectorKernels.narrowConstant("FILTERS"));
        }
        if (site.computesInputGradient()) {
            t.addField(LayerSite.constant("SCRATCH_FLOATS", scratchFloats(l, site)).toBuilder()
                    .addJavadoc("Floats of the backward pass's scratch: the transposed kernel and $L rows.\n", VectorKernels.BLOCK)
                    .build());
        }
        String doc = "out = " + (act == Activation.LINEAR ? "" : ActivationCode.describe(act) + " of ") + "conv(in, kernel)"
                + (bias ? " + bias" : "") + ", for the first {@code n} examples.\n\n<p>in " + LayerSite.batch(l.inputShape())
                + ", out " + LayerSite.batch(l.outputShape()) + ", kernel " + LayerSite.dims(l.kernelShape())
                + ". Vector API variant.\n";
        boolean relu = act == Activation.RELU;
        t.addMethods(VectorKernels.convForward(bias, act != Activation.LINEAR && !relu, relu,
                VectorKernels.interior(g.outWidth(), g.inWidth(), g.kernelWidth(), g.strideWidth(), g.dilationWidth(),
                        g.padLeft()),
                g.padding() == Padding.VALID, narrow, doc));
        if (act != Activation.LINEAR) {
            if (!relu) {
                t.addMethod(ActivationCode.forward(act, "OUT_SIZE", l.outputShape().dim(2)));
            }
            t.addMethod(VectorActivations.backward(act, "OUT_SIZE", l.outputShape().dim(2)));
        }
        // blocks of kernel rows for a first layer; not with one-vector blocks, which the other path has
        boolean fewChannels = l.inputChannels() < 4 && g.padding() == Padding.VALID && !narrow;
        t.addMethods(VectorKernels.convBackward(bias, site.computesInputGradient(), fewChannels, narrow,
                "From {@code dOut}, the gradient of the pre-activation output: accumulates dKernel"
                        + (bias ? " and dBias" : "") + (site.computesInputGradient() ? " and sets dIn" : "")
                        + ". Vector API variant.\n"));
        return t.build();
    }

    @Override
    public long scratchFloats(Conv2DLayer l, LayerSite site) {
        return site.computesInputGradient()
                ? VectorKernels.convScratch(l.geometry().taps(), l.inputChannels(), l.filters()) : 0;
    }

}
