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
        // blocks of kernel rows for a first layer (a padded one on a zero-padded copy of each example)
        boolean fewChannels = fewChannels(l);
        boolean padded = fewChannels && g.padding() != Padding.VALID;
        if (padded) {
            t.addField(LayerSite.constant("PADDED_HEIGHT", g.inHeight() + g.padTop() + g.padBottom()));
            t.addField(LayerSite.constant("PADDED_WIDTH", g.inWidth() + g.padLeft() + g.padRight()));
        }
        t.addMethods(VectorKernels.convBackward(bias, site.computesInputGradient(), fewChannels, padded, narrow,
                "From {@code dOut}, the gradient of the pre-activation output: accumulates dKernel"
                        + (bias ? " and dBias" : "") + (site.computesInputGradient() ? " and sets dIn" : "")
                        + ". Vector API variant.\n"));
        return t.build();
    }

    /** Fewer than 4 input channels (a first layer): the kernel gradient by blocks of kernel rows. */
    private static boolean fewChannels(Conv2DLayer l) {
        return l.inputChannels() < 4;
    }

    /**
     * The input gradient's transposed kernel and rows; for a padded first layer, also (in the same
     * floats: the kernel gradient is done when the input gradient starts) one example's zero-padded input.
     */
    @Override
    public long scratchFloats(Conv2DLayer l, LayerSite site) {
        Geometry2D g = l.geometry();
        long padded = fewChannels(l) && g.padding() != Padding.VALID
                ? (long) (g.inHeight() + g.padTop() + g.padBottom()) * (g.inWidth() + g.padLeft() + g.padRight())
                        * l.inputChannels() : 0;
        return Math.max(padded, site.computesInputGradient()
                ? VectorKernels.convScratch(l.geometry().taps(), l.inputChannels(), l.filters()) : 0);
    }

}
