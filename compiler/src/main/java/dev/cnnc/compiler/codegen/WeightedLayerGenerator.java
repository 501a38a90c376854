package dev.cnnc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.ir.Activation;
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
        return backwardMethod(site, bias, java.util.List.of());
    }

    /** {@link #backwardMethod(LayerSite, boolean)} with working buffers before {@code n}. */
    static MethodSpec.Builder backwardMethod(LayerSite site, boolean bias,
            java.util.List<com.palantir.javapoet.ParameterSpec> buffers) {
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
        return backward.addParameters(buffers).addParameter(int.class, "n");
    }

    /**
     * Adds a windowed layer's passes to its class: {@code forward(in, out, kernel[, bias], n)} with
     * {@code forwardBody} and the activation, the activation's methods, and {@code backward} (which
     * clears dIn first) with {@code backwardBody}.
     *
     * @param operation how the Javadoc names the computation: {@code conv}, {@code depthwise_conv}
     * @param units the bias's length
     */
    static void addPasses(TypeSpec.Builder t, LayerSite site, String operation, int[] kernelShape, int units,
            CodeBlock forwardBody, CodeBlock backwardBody) {
        addPasses(t, site, operation, kernelShape, units, forwardBody, backwardBody, java.util.List.of(),
                java.util.List.of());
    }

    /**
     * {@link #addPasses(TypeSpec.Builder, LayerSite, String, int[], int, CodeBlock, CodeBlock)} with working
     * buffers the model passes after the weights: {@code forwardBuffers} to forward, {@code backwardBuffers}
     * to backward.
     */
    static void addPasses(TypeSpec.Builder t, LayerSite site, String operation, int[] kernelShape, int units,
            CodeBlock forwardBody, CodeBlock backwardBody, java.util.List<com.palantir.javapoet.ParameterSpec> forwardBuffers,
            java.util.List<com.palantir.javapoet.ParameterSpec> backwardBuffers) {
        addPasses(t, site, operation, kernelShape, units, forwardBody, backwardBody, forwardBuffers, backwardBuffers, true);
    }

    /**
     * As above; {@code clearInputGradient} false for a backward body that sets every value of dIn
     * itself instead of adding into it.
     */
    static void addPasses(TypeSpec.Builder t, LayerSite site, String operation, int[] kernelShape, int units,
            CodeBlock forwardBody, CodeBlock backwardBody, java.util.List<com.palantir.javapoet.ParameterSpec> forwardBuffers,
            java.util.List<com.palantir.javapoet.ParameterSpec> backwardBuffers, boolean clearInputGradient) {
        addPasses(t, site, operation, kernelShape, units, forwardBody, backwardBody, forwardBuffers, backwardBuffers,
                clearInputGradient, null, false);
    }

    /**
     * As above, with the layer's {@code activationBackward} method given ({@code null}: the portable one), for a
     * backend with a faster one; {@code activatesInForward}: the forward body applies the activation itself (no
     * {@code activate} pass).
     */
    static void addPasses(TypeSpec.Builder t, LayerSite site, String operation, int[] kernelShape, int units,
            CodeBlock forwardBody, CodeBlock backwardBody, java.util.List<com.palantir.javapoet.ParameterSpec> forwardBuffers,
            java.util.List<com.palantir.javapoet.ParameterSpec> backwardBuffers, boolean clearInputGradient,
            MethodSpec activationBackward, boolean activatesInForward) {
        Layer l = site.layer();
        boolean bias = l.weights().stream().anyMatch(w -> w.role() == dev.cnnc.compiler.ir.Weight.Role.BIAS);
        Activation act = l.activation();
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("out = $L$L(in, kernel)$L, for the first {@code n} examples.\n",
                        act == Activation.LINEAR ? "" : ActivationCode.describe(act) + " of ", operation,
                        bias ? " + bias" : "")
                .addJavadoc("\n<p>in $L, out $L, kernel $L$L.\n", LayerSite.batch(l.inputShape()),
                        LayerSite.batch(l.outputShape()), LayerSite.dims(kernelShape), bias ? ", bias (" + units + ")" : "")
                .addParameter(float[].class, "in").addParameter(float[].class, "out")
                .addParameter(float[].class, "kernel");
        if (bias) {
            forward.addParameter(float[].class, "bias");
        }
        forward.addParameters(forwardBuffers).addParameter(int.class, "n").addCode(forwardBody);
        if (act != Activation.LINEAR && !activatesInForward) {
            forward.addStatement("activate(out, n)");
        }
        t.addMethod(forward.build());
        if (act != Activation.LINEAR) {
            int lastAxis = l.outputShape().dim(2);
            if (!activatesInForward) {
                t.addMethod(ActivationCode.forward(act, "OUT_SIZE", lastAxis));
            }
            t.addMethod(activationBackward != null ? activationBackward : ActivationCode.backward(act, "OUT_SIZE", lastAxis));
        }
        MethodSpec.Builder backward = backwardMethod(site, bias, backwardBuffers);
        if (site.computesInputGradient() && clearInputGradient) {
            backward.addStatement("$T.fill(dIn, 0, n * IN_SIZE, 0f)", java.util.Arrays.class);
        }
        t.addMethod(backward.addCode(backwardBody).build());
    }
}
