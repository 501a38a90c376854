package dev.cnnc.compiler.codegen.vector;

import com.palantir.javapoet.MethodSpec;
import dev.cnnc.compiler.codegen.ActivationCode;
import dev.cnnc.compiler.ir.Activation;
import javax.lang.model.element.Modifier;

/** The activations of Vector API layer classes: relu's backward with vectors, the others as in portable code. */
final class VectorActivations {
    private VectorActivations() {}

    /**
     * {@code activationBackward} for a class that defines {@code S} and {@code L}
     * ({@link VectorKernels#constants}).
     */
    static MethodSpec backward(Activation a, String sizeConstant, int lastAxis) {
        if (a != Activation.RELU) {
            return ActivationCode.backward(a, sizeConstant, lastAxis);
        }
        return MethodSpec.methodBuilder("activationBackward")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addParameter(float[].class, "out")
                .addParameter(float[].class, "dOut")
                .addParameter(int.class, "n")
                .addJavadoc("Backward of relu, in place on {@code dOut}: zero where the output was not positive.\n")
                .addStatement("int total = n * $L", sizeConstant)
                .addStatement("int j = 0")
                .beginControlFlow("for (; j < S.loopBound(total); j += L)")
                .addStatement("$T y = $T.fromArray(S, out, j)", VectorTypes.FLOAT_VECTOR, VectorTypes.FLOAT_VECTOR)
                .addStatement("$T.zero(S).blend($T.fromArray(S, dOut, j), y.compare($T.GT, 0f)).intoArray(dOut, j)",
                        VectorTypes.FLOAT_VECTOR, VectorTypes.FLOAT_VECTOR, VectorTypes.OPERATORS)
                .endControlFlow()
                .beginControlFlow("for (; j < total; j++)")
                .addStatement("dOut[j] = out[j] > 0f ? dOut[j] : 0f")
                .endControlFlow()
                .build();
    }
}
