package dev.cnnc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.cnnc.compiler.ir.Layer;
import javax.lang.model.element.Modifier;

/**
 * A generator of a layer whose only weights are a kernel and an optional bias (Conv2D, Dense): the
 * model calls it as {@link LayerSite#weightedForwardCall} and {@link LayerSite#weightedBackwardCall}
 * say, and its backward pass has the signature of {@link #backwardMethod}.
 */
public interface WeightedLayerGenerator<L extends Layer> extends LayerGenerator<L> {

    @Override
    default CodeBlock forwardCall(L layer, LayerSite site) {
        return site.weightedForwardCall();
    }

    @Override
    default CodeBlock backwardCall(L layer, LayerSite site) {
        return site.weightedBackwardCall();
    }

    /**
     * {@code backward(in, dOut[, dIn], kernel, dKernel[, dBias], n)} with its Javadoc: from the
     * gradient of the pre-activation output, accumulates the weight gradients and sets dIn.
     */
    static MethodSpec.Builder backwardMethod(LayerSite site, boolean bias) {
        boolean dIn = site.computesInputGradient();
        MethodSpec.Builder backward = MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("From {@code dOut}, the gradient of the pre-activation output: accumulates dKernel$L$L.\n",
                        bias ? " and dBias" : "", dIn ? " and sets dIn" : "")
                .addParameter(float[].class, "in").addParameter(float[].class, "dOut");
        if (dIn) {
            backward.addParameter(float[].class, "dIn");
        }
        backward.addParameter(float[].class, "kernel").addParameter(float[].class, "dKernel");
        if (bias) {
            backward.addParameter(float[].class, "dBias");
        }
        return backward.addParameter(int.class, "n");
    }
}
