package dev.cnnc.compiler.codegen.vector;

import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.ActivationCode;
import dev.cnnc.compiler.codegen.WeightedLayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.portable.DenseGenerator;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.DenseLayer;

/** Dense with the Vector API: a 1x1 convolution over a 1x1 image whose pixels are the examples ({@link VectorKernels}). */
final class VectorDenseGenerator implements WeightedLayerGenerator<DenseLayer> {

    @Override
    public TypeSpec generate(DenseLayer l, LayerSite site) {
        boolean bias = l.useBias();
        Activation act = l.activation();
        String prefix = act == Activation.LINEAR ? "" : ActivationCode.describe(act) + " of ";
        TypeSpec.Builder t = DenseGenerator.header(l, site);
        t.addFields(VectorKernels.constants("UNITS"));
        t.addMethods(VectorKernels.denseForward(bias, act != Activation.LINEAR, "out = " + prefix + "in . kernel"
                + (bias ? " + bias" : "") + ", for the first {@code n} examples.\n\n<p>in (n, " + l.inputs() + "), out (n, "
                + l.units() + "), kernel (" + l.inputs() + ", " + l.units() + "). Vector API variant.\n"));
        if (act != Activation.LINEAR) {
            t.addMethod(ActivationCode.forward(act, "OUT_SIZE", l.units()));
            t.addMethod(VectorActivations.backward(act, "OUT_SIZE", l.units()));
        }
        t.addMethods(VectorKernels.denseBackward(bias, site.computesInputGradient(),
                "From {@code dOut}, the gradient of the pre-activation output: accumulates dKernel"
                        + (bias ? " and dBias" : "") + (site.computesInputGradient() ? " and sets dIn" : "")
                        + ". Vector API variant.\n"));
        return t.build();
    }

    @Override
    public long scratchFloats(DenseLayer l, LayerSite site) {
        return site.computesInputGradient() ? (long) l.inputs() * l.units() : 0;
    }

}
