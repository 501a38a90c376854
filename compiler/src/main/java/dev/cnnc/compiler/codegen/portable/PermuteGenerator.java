package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.ir.PermuteLayer;
import javax.lang.model.element.Modifier;

/**
 * Permute: one loop per output axis, in output order, so that the output is written in sequence;
 * the input is read through the strides of the axes the loops stand for. Backward is the same walk
 * with the copy reversed (a permutation: every input cell receives exactly one gradient).
 */
public final class PermuteGenerator implements LayerGenerator<PermuteLayer> {

    @Override
    public TypeSpec generate(PermuteLayer l, LayerSite site) {
        int[] dims = l.dims();
        int[] in = l.inputShape().dims();
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            d.append(i > 0 ? ", " : "").append(dims[i]);
        }
        TypeSpec.Builder t = site.classBuilder("axes reordered as (" + d + "): output axis i is input axis dims[i]");
        long stride = 1;
        long[] strides = new long[in.length];
        for (int a = in.length - 1; a >= 0; a--) {
            strides[a] = stride;
            stride *= in[a];
        }
        for (int a = 0; a < in.length; a++) {
            t.addField(LayerSite.constant("IN_STRIDE_" + (a + 1), strides[a]));
        }
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("OUT_SIZE", l.outputShape().size()));
        t.addMethod(MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("out[b, i0, i1, ...] = in[b, ...] with input axis dims[k] indexed by ik.\n")
                .addJavadoc("\n<p>in $L, out $L.\n", LayerSite.batch(l.inputShape()), LayerSite.batch(l.outputShape()))
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(int.class, "n")
                .addCode(walk(l, "out[o++] = in[i]")).build());
        if (site.computesInputGradient()) {
            t.addMethod(MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .addJavadoc("dIn = dOut, each value back at its input position.\n")
                    .addParameter(float[].class, "dOut").addParameter(float[].class, "dIn").addParameter(int.class, "n")
                    .addCode(walk(l, "dIn[i] = dOut[o++]")).build());
        }
        return t.build();
    }

    private static CodeBlock walk(PermuteLayer l, String statement) {
        int[] dims = l.dims();
        int[] out = l.outputShape().dims();
        CodeBlock.Builder b = CodeBlock.builder().addStatement("int o = 0")
                .beginControlFlow("for (int b = 0; b < n; b++)");
        String base = "b * IN_SIZE";
        for (int k = 0; k < dims.length; k++) {
            String index = "i" + k;
            b.add("// output axis $L: input axis $L\n", k + 1, dims[k]);
            b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", index, index, out[k], index);
            String at = "at" + k;
            b.addStatement("int $L = $L + $L * IN_STRIDE_$L", at, base, index, dims[k]);
            base = at;
        }
        b.addStatement("int i = $L", base).addStatement(statement);
        for (int k = 0; k <= dims.length; k++) {
            b.endControlFlow();
        }
        return b.build();
    }

    @Override
    public CodeBlock forwardCall(PermuteLayer l, LayerSite site) {
        return CodeBlock.builder().addStatement("$T.forward($L, $L, n)", site.className(), site.in(), site.out()).build();
    }

    @Override
    public CodeBlock backwardCall(PermuteLayer l, LayerSite site) {
        if (!site.computesInputGradient()) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder().addStatement("$T.backward($L, $L, n)", site.className(), site.dOut(), site.dIn()).build();
    }
}
