package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.ir.ReshapeLayer;
import javax.lang.model.element.Modifier;

/** Reshape: the memory order does not change, so both passes are copies. */
public final class ReshapeGenerator implements LayerGenerator<ReshapeLayer> {

    @Override
    public TypeSpec generate(ReshapeLayer l, LayerSite site) {
        TypeSpec.Builder t = site.classBuilder("the same values in the same order as " + LayerSite.dims(l.outputShape()));
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("OUT_SIZE", l.outputShape().size()));
        t.addMethod(MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("in $L, out $L.\n", LayerSite.batch(l.inputShape()), LayerSite.batch(l.outputShape()))
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(int.class, "n")
                .addStatement("$T.arraycopy(in, 0, out, 0, n * IN_SIZE)", System.class).build());
        if (site.computesInputGradient()) {
            t.addMethod(MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .addJavadoc("dIn = dOut.\n")
                    .addParameter(float[].class, "dOut").addParameter(float[].class, "dIn").addParameter(int.class, "n")
                    .addStatement("$T.arraycopy(dOut, 0, dIn, 0, n * IN_SIZE)", System.class).build());
        }
        return t.build();
    }

    @Override
    public CodeBlock forwardCall(ReshapeLayer l, LayerSite site) {
        return CodeBlock.builder().addStatement("$T.forward($L, $L, n)", site.className(), site.in(), site.out()).build();
    }

    @Override
    public CodeBlock backwardCall(ReshapeLayer l, LayerSite site) {
        if (!site.computesInputGradient()) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder().addStatement("$T.backward($L, $L, n)", site.className(), site.dOut(), site.dIn()).build();
    }
}
