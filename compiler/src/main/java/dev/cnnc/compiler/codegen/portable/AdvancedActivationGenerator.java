package dev.cnnc.compiler.codegen.portable;

import static dev.cnnc.compiler.codegen.portable.Literals.floatLiteral;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.ir.AdvancedActivationLayer;
import dev.cnnc.compiler.ir.AdvancedActivationLayer.Function;
import javax.lang.model.element.Modifier;

/**
 * ReLU (with {@code max_value}, {@code negative_slope} and {@code threshold}), LeakyReLU,
 * ThresholdedReLU and ELU, elementwise; the backward pass reads the input, as TensorFlow's gradients
 * do. Exponentials use {@link StrictMath}. The Vector API generator extends this one and replaces the
 * loops of the relu family.
 */
public class AdvancedActivationGenerator implements LayerGenerator<AdvancedActivationLayer> {

    @Override
    public TypeSpec generate(AdvancedActivationLayer l, LayerSite site) {
        TypeSpec.Builder t = site.classBuilder(describe(l));
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("OUT_SIZE", l.inputShape().size()));
        t.addMethod(MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("$L, for the first {@code n} examples; in and out $L.\n", formula(l),
                        LayerSite.batch(l.inputShape()))
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(int.class, "n")
                .addCode(forwardLoops(t, l))
                .build());
        if (site.computesInputGradient()) {
            t.addMethod(MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .addJavadoc("dIn = dOut * f'(in).\n")
                    .addParameter(float[].class, "in").addParameter(float[].class, "dOut").addParameter(float[].class, "dIn")
                    .addParameter(int.class, "n")
                    .addCode(backwardLoops(l))
                    .build());
        }
        return t.build();
    }

    /** The forward pass's loops over {@code n * IN_SIZE} values; {@code type} is the class being built. */
    protected CodeBlock forwardLoops(TypeSpec.Builder type, AdvancedActivationLayer l) {
        return scalarForward(l, "0");
    }

    /** The backward pass's loops. */
    protected CodeBlock backwardLoops(AdvancedActivationLayer l) {
        return scalarBackward(l, "0");
    }

    /** The forward pass value by value, from index {@code from}, or on from a declared {@code j} if null. */
    protected static CodeBlock scalarForward(AdvancedActivationLayer l, String from) {
        CodeBlock.Builder b = CodeBlock.builder()
                .beginControlFlow(from == null ? "for (; j < n * IN_SIZE; j++)" : "for (int j = " + from + "; j < n * IN_SIZE; j++)")
                .addStatement("float x = in[j]");
        String a = floatLiteral(l.alpha());
        String th = floatLiteral(l.threshold());
        if (l.function() == Function.ELU) {
            b.addStatement("out[j] = x > 0f ? x : (float) ($L * StrictMath.expm1(x))", a);
        } else {
            b.addStatement("float y = x > $L ? x : 0f", th);
            if (l.maxValue() != null) {
                b.addStatement("y = Math.min(Math.max(y, 0f), $L)", floatLiteral(l.maxValue()));
            }
            if (l.alpha() != 0) {
                b.addStatement("y -= $L * Math.max($L - x, 0f)", a, th);
            }
            b.addStatement("out[j] = y");
        }
        return b.endControlFlow().build();
    }

    /** The backward pass value by value, as {@link #scalarForward}. */
    protected static CodeBlock scalarBackward(AdvancedActivationLayer l, String from) {
        CodeBlock.Builder b = CodeBlock.builder()
                .beginControlFlow(from == null ? "for (; j < n * IN_SIZE; j++)" : "for (int j = " + from + "; j < n * IN_SIZE; j++)")
                .addStatement("float x = in[j]");
        String a = floatLiteral(l.alpha());
        String th = floatLiteral(l.threshold());
        if (l.function() == Function.ELU) {
            b.addStatement("dIn[j] = x > 0f ? dOut[j] : dOut[j] * (float) ($L * StrictMath.exp(x))", a);
        } else {
            String pass = "x > " + th;
            if (l.maxValue() != null) {
                pass += " && x >= 0f && x <= " + floatLiteral(l.maxValue());
            }
            if (l.alpha() != 0) {
                b.addStatement("float d = ($L ? 1f : 0f) + (x < $L ? $L : 0f)", pass, th, a);
            } else {
                b.addStatement("float d = $L ? 1f : 0f", pass);
            }
            b.addStatement("dIn[j] = dOut[j] * d");
        }
        return b.endControlFlow().build();
    }

    private static String describe(AdvancedActivationLayer l) {
        return switch (l.kerasClass()) {
            case "LeakyReLU" -> "leaky relu, alpha " + l.alpha();
            case "ThresholdedReLU" -> "thresholded relu, theta " + l.threshold();
            case "ELU" -> "elu, alpha " + l.alpha();
            default -> "relu" + (l.maxValue() != null ? ", max_value " + l.maxValue() : "")
                    + (l.alpha() != 0 ? ", negative_slope " + l.alpha() : "")
                    + (l.threshold() != 0 ? ", threshold " + l.threshold() : "");
        };
    }

    private static String formula(AdvancedActivationLayer l) {
        if (l.function() == Function.ELU) {
            return "out = in > 0 ? in : alpha * (exp(in) - 1)";
        }
        return "out = in > threshold ? in : 0" + (l.maxValue() != null ? ", clipped to [0, max_value]" : "")
                + (l.alpha() != 0 ? ", minus alpha * max(threshold - in, 0)" : "");
    }

    @Override
    public CodeBlock forwardCall(AdvancedActivationLayer l, LayerSite site) {
        return CodeBlock.builder().addStatement("$T.forward($L, $L, n)", site.className(), site.in(), site.out()).build();
    }

    @Override
    public CodeBlock backwardCall(AdvancedActivationLayer l, LayerSite site) {
        if (!site.computesInputGradient()) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder().addStatement("$T.backward($L, $L, $L, n)", site.className(), site.in(), site.dOut(),
                site.dIn()).build();
    }
}
