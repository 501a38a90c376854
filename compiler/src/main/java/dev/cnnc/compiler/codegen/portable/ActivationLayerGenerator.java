package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.ActivationCode;
import dev.cnnc.compiler.codegen.LayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.ActivationLayer;
import javax.lang.model.element.Modifier;

/**
 * {@code Activation} and {@code Softmax}: a copy of the input, then the activation in place, with the
 * same {@code activate} and {@code activationBackward} methods as a Conv2D or Dense with that activation.
 * The model calls {@code activationBackward} before {@code backward}, which copies the gradient back,
 * and fuses softmax with cross-entropy as for any last layer.
 */
public final class ActivationLayerGenerator implements LayerGenerator<ActivationLayer> {

    @Override
    public TypeSpec generate(ActivationLayer l, LayerSite site) {
        Activation act = l.activation();
        int lastAxis = l.inputShape().dim(l.inputShape().rank() - 1); // softmax normalizes over it
        TypeSpec.Builder t = site.classBuilder("activation " + ActivationCode.describe(act));
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("OUT_SIZE", l.inputShape().size()));
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("out = $L(in), for the first {@code n} examples; in and out $L.\n",
                        act.keras(), LayerSite.batch(l.inputShape()))
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(int.class, "n")
                .addStatement("$T.arraycopy(in, 0, out, 0, n * IN_SIZE)", System.class);
        if (act != Activation.LINEAR) {
            forward.addStatement("activate(out, n)");
        }
        t.addMethod(forward.build());
        if (act != Activation.LINEAR) {
            t.addMethod(ActivationCode.forward(act, "OUT_SIZE", lastAxis));
            t.addMethod(ActivationCode.backward(act, "OUT_SIZE", lastAxis));
        }
        if (site.computesInputGradient()) {
            t.addMethod(MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .addJavadoc("dIn = dOut, which {@code activationBackward} has already taken through the activation.\n")
                    .addParameter(float[].class, "dOut").addParameter(float[].class, "dIn").addParameter(int.class, "n")
                    .addStatement("$T.arraycopy(dOut, 0, dIn, 0, n * IN_SIZE)", System.class)
                    .build());
        }
        return t.build();
    }

    @Override
    public CodeBlock forwardCall(ActivationLayer l, LayerSite site) {
        return CodeBlock.builder().addStatement("$T.forward($L, $L, n)", site.className(), site.in(), site.out()).build();
    }

    @Override
    public CodeBlock backwardCall(ActivationLayer l, LayerSite site) {
        if (!site.computesInputGradient()) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder().addStatement("$T.backward($L, $L, n)", site.className(), site.dOut(), site.dIn()).build();
    }
}
