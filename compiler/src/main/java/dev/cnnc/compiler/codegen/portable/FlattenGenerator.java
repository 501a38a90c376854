package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.ir.FlattenLayer;
import javax.lang.model.element.Modifier;

/**
 * Flatten: a copy for channels-last (the layout is already flat); a permutation from (c, h, w) to
 * (h, w, c) for channels-first, as Keras flattens.
 */
public final class FlattenGenerator implements LayerGenerator<FlattenLayer> {

    @Override
    public TypeSpec generate(FlattenLayer l, LayerSite site) {
        TypeSpec.Builder t = site.classBuilder(l.permutes() ? "flattens channels-first input in channels-last order, as Keras"
                : "flattens the input; the memory layout is unchanged");
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("OUT_SIZE", l.inputShape().size()));
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("in $L, out $L.\n", LayerSite.batch(l.inputShape()), LayerSite.batch(l.outputShape()))
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(int.class, "n");
        MethodSpec.Builder backward = MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("dIn = dOut, back in the input's layout.\n")
                .addParameter(float[].class, "dOut").addParameter(float[].class, "dIn").addParameter(int.class, "n");
        if (!l.permutes()) {
            forward.addStatement("$T.arraycopy(in, 0, out, 0, n * IN_SIZE)", System.class);
            backward.addStatement("$T.arraycopy(dOut, 0, dIn, 0, n * IN_SIZE)", System.class);
        } else {
            t.addField(LayerSite.constant("CHANNELS", l.inputShape().dim(0)));
            t.addField(LayerSite.constant("HEIGHT", l.inputShape().dim(1)));
            t.addField(LayerSite.constant("WIDTH", l.inputShape().dim(2)));
            forward.addCode(permutation("out[flat] = in[chw]"));
            backward.addCode(permutation("dIn[chw] = dOut[flat]"));
        }
        t.addMethod(forward.build());
        if (site.computesInputGradient()) {
            t.addMethod(backward.build());
        }
        return t.build();
    }

    private static CodeBlock permutation(String statement) {
        return CodeBlock.builder()
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int c = 0; c < CHANNELS; c++)")
                .beginControlFlow("for (int y = 0; y < HEIGHT; y++)")
                .beginControlFlow("for (int x = 0; x < WIDTH; x++)")
                .addStatement("int chw = ((b * CHANNELS + c) * HEIGHT + y) * WIDTH + x")
                .addStatement("int flat = ((b * HEIGHT + y) * WIDTH + x) * CHANNELS + c")
                .addStatement(statement)
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .build();
    }

    @Override
    public CodeBlock forwardCall(FlattenLayer l, LayerSite site) {
        return CodeBlock.builder().addStatement("$T.forward($L, $L, n)", site.className(), site.in(), site.out()).build();
    }

    @Override
    public CodeBlock backwardCall(FlattenLayer l, LayerSite site) {
        if (!site.computesInputGradient()) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder().addStatement("$T.backward($L, $L, n)", site.className(), site.dOut(), site.dIn()).build();
    }
}
