package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.ActivationCode;
import dev.cnnc.compiler.codegen.WeightedLayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.DenseLayer;
import java.util.Arrays;
import javax.lang.model.element.Modifier;

/**
 * Dense in plain Java. The kernel is {@code (in, units)}: the units loop is innermost and contiguous
 * in both the output and the kernel rows, so that C2 vectorizes it.
 */
public final class DenseGenerator implements WeightedLayerGenerator<DenseLayer> {

    /** The class with its Javadoc and shape constants, shared with the Vector API generator. */
    public static TypeSpec.Builder header(DenseLayer l, LayerSite site) {
        TypeSpec.Builder t = site.classBuilder(l.units() + " units, activation " + l.activation().keras()
                + (l.useBias() ? "" : ", no bias"));
        t.addField(LayerSite.constant("INPUTS", l.inputs()));
        t.addField(LayerSite.constant("UNITS", l.units()));
        t.addField(LayerSite.constant("IN_SIZE", l.inputs()));
        t.addField(LayerSite.constant("OUT_SIZE", l.units()));
        return t;
    }

    @Override
    public TypeSpec generate(DenseLayer l, LayerSite site) {
        boolean bias = l.useBias();
        int inputs = l.inputs();
        int units = l.units();
        Activation act = l.activation();
        TypeSpec.Builder t = header(l, site);
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("out = $Lin . kernel$L, for the first {@code n} examples.\n",
                        Conv2DGenerator.activationPrefix(act), bias ? " + bias" : "")
                .addJavadoc("\n<p>in (n, $L), out (n, $L), kernel ($L, $L)$L.\n", inputs, units, inputs, units,
                        bias ? ", bias (" + units + ")" : "")
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "kernel");
        if (bias) {
            forward.addParameter(float[].class, "bias");
        }
        forward.addParameter(int.class, "n")
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .addStatement("int o = b * UNITS");
        if (bias) {
            forward.addStatement("$T.arraycopy(bias, 0, out, o, UNITS)", System.class);
        } else {
            forward.addStatement("$T.fill(out, o, o + UNITS, 0f)", Arrays.class);
        }
        forward.beginControlFlow("for (int i = 0; i < INPUTS; i++)")
                .addStatement("float v = in[b * INPUTS + i]")
                .addStatement("int k = i * UNITS")
                .beginControlFlow("for (int u = 0; u < UNITS; u++)")
                .addStatement("out[o + u] += v * kernel[k + u]")
                .endControlFlow()
                .endControlFlow()
                .endControlFlow();
        if (act != Activation.LINEAR) {
            forward.addStatement("activate(out, n)");
        }
        t.addMethod(forward.build());
        if (act != Activation.LINEAR) {
            t.addMethod(ActivationCode.forward(act, "OUT_SIZE", units));
            t.addMethod(ActivationCode.backward(act, "OUT_SIZE", units));
        }
        boolean dIn = site.computesInputGradient();
        MethodSpec.Builder backward = WeightedLayerGenerator.backwardMethod(site, bias)
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .addStatement("int o = b * UNITS");
        if (bias) {
            backward.beginControlFlow("for (int u = 0; u < UNITS; u++)").addStatement("dBias[u] += dOut[o + u]")
                    .endControlFlow();
        }
        backward.beginControlFlow("for (int i = 0; i < INPUTS; i++)")
                .addStatement("float v = in[b * INPUTS + i]")
                .addStatement("int k = i * UNITS");
        if (dIn) {
            backward.addStatement("float s = 0f");
        }
        backward.beginControlFlow("for (int u = 0; u < UNITS; u++)")
                .addStatement("float d = dOut[o + u]")
                .addStatement("dKernel[k + u] += v * d");
        if (dIn) {
            backward.addStatement("s += kernel[k + u] * d");
        }
        backward.endControlFlow();
        if (dIn) {
            backward.addStatement("dIn[b * INPUTS + i] = s");
        }
        backward.endControlFlow().endControlFlow();
        t.addMethod(backward.build());
        return t.build();
    }

}
