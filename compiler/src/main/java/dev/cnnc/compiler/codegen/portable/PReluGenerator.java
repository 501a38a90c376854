package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.WeightedLayerGenerator;
import dev.cnnc.compiler.ir.PReluLayer;
import javax.lang.model.element.Modifier;

/**
 * PReLU: {@code out = in > 0 ? in : alpha * in}, with {@code alpha} indexed by the element's position
 * with the shared axes at 0. The backward pass accumulates {@code dAlpha += dOut * min(in, 0)}.
 */
public final class PReluGenerator implements WeightedLayerGenerator<PReluLayer> {

    @Override
    public TypeSpec generate(PReluLayer l, LayerSite site) {
        int[] dims = l.inputShape().dims();
        int[] alpha = l.alpha().shape();
        TypeSpec.Builder t = site.classBuilder("parametric relu, alpha " + LayerSite.dims(alpha));
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("OUT_SIZE", l.inputShape().size()));
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("out = in > 0 ? in : alpha * in, for the first {@code n} examples; in and out $L, alpha $L.\n",
                        LayerSite.batch(l.inputShape()), LayerSite.dims(alpha))
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "kernel")
                .addParameter(int.class, "n")
                .addCode(loops(dims, alpha, CodeBlock.builder()
                        .addStatement("float x = in[j]")
                        .addStatement("out[j] = x > 0f ? x : kernel[a] * x").build()));
        t.addMethod(forward.build());
        boolean dIn = site.computesInputGradient();
        CodeBlock.Builder body = CodeBlock.builder()
                .addStatement("float x = in[j]")
                .addStatement("dKernel[a] += dOut[j] * Math.min(x, 0f)");
        if (dIn) {
            body.addStatement("dIn[j] = x > 0f ? dOut[j] : kernel[a] * dOut[j]");
        }
        t.addMethod(WeightedLayerGenerator.backwardMethod(site, false).addCode(loops(dims, alpha, body.build())).build());
        return t.build();
    }

    /**
     * Loops over the examples ({@code b}) and the input's axes, with {@code j} the element and {@code a}
     * its index in a per-example tensor of shape {@code alpha} broadcast over its axes of length 1.
     */
    static CodeBlock loops(int[] dims, int[] alpha, CodeBlock body) {
        CodeBlock.Builder b = CodeBlock.builder().addStatement("int j = 0").beginControlFlow("for (int b = 0; b < n; b++)");
        StringBuilder index = new StringBuilder();
        long stride = 1;
        String[] terms = new String[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) {
            terms[d] = alpha[d] == 1 ? null : (stride == 1 ? "i" + d : "i" + d + " * " + stride);
            stride *= alpha[d];
        }
        for (int d = 0; d < dims.length; d++) {
            b.beginControlFlow("for (int i$L = 0; i$L < $L; i$L++)", d, d, dims[d], d);
            if (terms[d] != null) {
                index.append(index.length() == 0 ? "" : " + ").append(terms[d]);
            }
        }
        b.addStatement("int a = $L", index.length() == 0 ? "0" : index.toString());
        b.add(body).addStatement("j++");
        for (int d = 0; d < dims.length; d++) {
            b.endControlFlow();
        }
        return b.endControlFlow().build();
    }
}
