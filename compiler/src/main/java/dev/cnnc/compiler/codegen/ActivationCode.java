package dev.cnnc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.cnnc.compiler.ir.Activation;
import javax.lang.model.element.Modifier;

/**
 * The code of each activation: forward in place on a layer's output, and backward in place on the
 * output's gradient, written in terms of the output {@code y} alone (Keras 2.2.4's definitions).
 * Transcendental functions use {@link StrictMath}, so results never depend on the JIT.
 */
public final class ActivationCode {
    /** Keras' selu constants. */
    static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    static final double SELU_SCALE = 1.0507009873554804934193349852946;

    private ActivationCode() {}

    /**
     * {@code private static void activate(float[] out, int n)}: applies the activation to the first
     * {@code n} examples of {@code size} values; softmax works on groups of {@code lastAxis} values
     * (Keras normalizes over the last axis).
     */
    public static MethodSpec forward(Activation a, String sizeConstant, int lastAxis) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("activate")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(float[].class, "out")
                .addParameter(int.class, "n")
                .addJavadoc("$L, in place on the first {@code n} examples of {@code out}.\n", describe(a));
        if (a == Activation.SOFTMAX) {
            return m.addCode(CodeBlock.builder()
                    .beginControlFlow("for (int g = 0; g < n * $L; g += $L)", sizeConstant, lastAxis)
                    .addStatement("float max = out[g]")
                    .beginControlFlow("for (int j = g + 1; j < g + $L; j++)", lastAxis)
                    .addStatement("max = Math.max(max, out[j])")
                    .endControlFlow()
                    .addStatement("float sum = 0f")
                    .beginControlFlow("for (int j = g; j < g + $L; j++)", lastAxis)
                    .addStatement("out[j] = (float) StrictMath.exp(out[j] - max)")
                    .addStatement("sum += out[j]")
                    .endControlFlow()
                    .beginControlFlow("for (int j = g; j < g + $L; j++)", lastAxis)
                    .addStatement("out[j] /= sum")
                    .endControlFlow()
                    .endControlFlow()
                    .build()).build();
        }
        return m.beginControlFlow("for (int j = 0; j < n * $L; j++)", sizeConstant)
                .addStatement("float x = out[j]")
                .addStatement("out[j] = $L", forwardExpression(a))
                .endControlFlow()
                .build();
    }

    private static String forwardExpression(Activation a) {
        return switch (a) {
            case RELU -> "Math.max(x, 0f)";
            case SIGMOID -> "(float) (1.0 / (1.0 + StrictMath.exp(-x)))";
            case HARD_SIGMOID -> "Math.min(Math.max(0.2f * x + 0.5f, 0f), 1f)";
            case TANH -> "(float) StrictMath.tanh(x)";
            case SOFTPLUS -> "(float) (Math.max(x, 0.0) + StrictMath.log1p(StrictMath.exp(-Math.abs(x))))";
            case SOFTSIGN -> "x / (1f + Math.abs(x))";
            case ELU -> "x > 0f ? x : (float) StrictMath.expm1(x)";
            case SELU -> "(float) (" + SELU_SCALE + " * (x > 0f ? x : " + SELU_ALPHA + " * StrictMath.expm1(x)))";
            case EXPONENTIAL -> "(float) StrictMath.exp(x)";
            case LINEAR, SOFTMAX -> throw new IllegalArgumentException(a.keras());
        };
    }

    /**
     * {@code public static void activationBackward(float[] out, float[] dOut, int n)}: turns the
     * gradient with respect to the activation's output into the gradient with respect to its input.
     */
    public static MethodSpec backward(Activation a, String sizeConstant, int lastAxis) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("activationBackward")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addParameter(float[].class, "out")
                .addParameter(float[].class, "dOut")
                .addParameter(int.class, "n")
                .addJavadoc("Backward of $L, in place on {@code dOut}, from the outputs {@code out} of the forward pass.\n",
                        a.keras());
        if (a == Activation.SOFTMAX) {
            return m.addComment("dx_i = y_i * (dy_i - sum_j dy_j y_j)")
                    .beginControlFlow("for (int g = 0; g < n * $L; g += $L)", sizeConstant, lastAxis)
                    .addStatement("float dot = 0f")
                    .beginControlFlow("for (int j = g; j < g + $L; j++)", lastAxis)
                    .addStatement("dot += dOut[j] * out[j]")
                    .endControlFlow()
                    .beginControlFlow("for (int j = g; j < g + $L; j++)", lastAxis)
                    .addStatement("dOut[j] = out[j] * (dOut[j] - dot)")
                    .endControlFlow()
                    .endControlFlow()
                    .build();
        }
        return m.addComment("$L", derivativeComment(a))
                .beginControlFlow("for (int j = 0; j < n * $L; j++)", sizeConstant)
                .addStatement("float y = out[j]")
                .addStatement("dOut[j] $L", backwardUpdate(a))
                .endControlFlow()
                .build();
    }

    private static String backwardUpdate(Activation a) {
        return switch (a) {
            case RELU -> "= y > 0f ? dOut[j] : 0f";
            case SIGMOID -> "*= y * (1f - y)";
            case HARD_SIGMOID -> "= y > 0f && y < 1f ? 0.2f * dOut[j] : 0f";
            case TANH -> "*= 1f - y * y";
            case SOFTPLUS -> "*= (float) -StrictMath.expm1(-y)";
            case SOFTSIGN -> "*= (1f - Math.abs(y)) * (1f - Math.abs(y))";
            case ELU -> "*= y > 0f ? 1f : y + 1f";
            case SELU -> "*= y > 0f ? " + (float) SELU_SCALE + "f : y + " + (float) (SELU_SCALE * SELU_ALPHA) + "f";
            case EXPONENTIAL -> "*= y";
            case LINEAR, SOFTMAX -> throw new IllegalArgumentException(a.keras());
        };
    }

    private static String derivativeComment(Activation a) {
        return switch (a) {
            case RELU -> "relu'(x) = 1 where y > 0, else 0";
            case SIGMOID -> "sigmoid'(x) = y (1 - y)";
            case HARD_SIGMOID -> "hard_sigmoid'(x) = 0.2 where 0 < y < 1, else 0";
            case TANH -> "tanh'(x) = 1 - y^2";
            case SOFTPLUS -> "softplus'(x) = sigmoid(x) = 1 - exp(-y)";
            case SOFTSIGN -> "softsign'(x) = 1 / (1 + |x|)^2 = (1 - |y|)^2";
            case ELU -> "elu'(x) = 1 where y > 0, else exp(x) = y + 1";
            case SELU -> "selu'(x) = scale where y > 0, else y + scale * alpha";
            case EXPONENTIAL -> "exp'(x) = y";
            case LINEAR, SOFTMAX -> "";
        };
    }

    /** A short description for comments: {@code relu}, {@code softmax over the last axis}. */
    public static String describe(Activation a) {
        return a == Activation.SOFTMAX ? "softmax over the last axis" : a.keras();
    }
}
