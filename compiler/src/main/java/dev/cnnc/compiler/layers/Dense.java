package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.codegen.ActivationCode;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.VectorCode;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.diag.Span;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Regularizer;
import dev.cnnc.compiler.ir.Shape;
import dev.cnnc.compiler.ir.Weight;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * {@code Dense(units, activation=None, use_bias=True, ...)}: {@code activation(x . kernel + bias)}
 * with the kernel laid out {@code (in, units)} as in Keras.
 */
public final class Dense implements Layer {

    public static final LayerKind KIND = new LayerKind("Dense", List.of(),
            Signature.of("Dense").required("units").optional(WeightOptions.PARAMETERS).keywordOnly("input_dim").build(), Dense::build);

    private final String name;
    private final Span span;
    private final Shape input;
    private final int units;
    private final WeightOptions weights;

    private Dense(LayerContext ctx, int units, WeightOptions weights) {
        this.name = ctx.name();
        this.span = ctx.span();
        this.input = ctx.input();
        this.units = units;
        this.weights = weights;
    }

    static Layer build(LayerContext ctx) {
        Args a = ctx.args();
        int units = a.positiveInt("units", 1);
        WeightOptions weights = WeightOptions.from(a, 2);
        Shape in = ctx.input();
        if (!a.ok("units") || in == null) {
            return null;
        }
        if (in.rank() != 1) {
            ctx.error("Dense needs a flat input, but its input is " + in + ": add Flatten() before it");
            return null;
        }
        long kernel = (long) in.dim(0) * units;
        if (!ctx.checkArraySize("Dense kernel", kernel, in.dim(0) + "x" + units)) {
            return null;
        }
        return new Dense(ctx, units, weights);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kerasClass() {
        return "Dense";
    }

    @Override
    public Span span() {
        return span;
    }

    @Override
    public Shape inputShape() {
        return input;
    }

    @Override
    public Shape outputShape() {
        return Shape.of(units);
    }

    public int units() {
        return units;
    }

    public int inputs() {
        return input.dim(0);
    }

    public WeightOptions weightOptions() {
        return weights;
    }

    @Override
    public Activation activation() {
        return weights.activation();
    }

    @Override
    public long parameterCount() {
        return weights.parameterCount((long) inputs() * units, units);
    }

    @Override
    public long multiplyAdds() {
        return (long) inputs() * units;
    }

    @Override
    public List<Weight> weights() {
        List<Weight> w = new ArrayList<>();
        w.add(Weight.of("kernel", new int[] {inputs(), units}, weights.kernelInitializer(), weights.kernelRegularizer(),
                weights.kernelConstraint()));
        if (weights.useBias()) {
            w.add(Weight.of("bias", new int[] {units}, weights.biasInitializer(), weights.biasRegularizer(),
                    weights.biasConstraint()));
        }
        return w;
    }

    @Override
    public Regularizer activityRegularizer() {
        return weights.activityRegularizer();
    }

    // ---------------------------------------------------------------------------------------------
    // Generated code. The kernel is (in, units): the units loop is innermost and contiguous in both
    // the output and the kernel rows, so that C2 vectorizes it.

    @Override
    public TypeSpec generate(LayerSite g) {
        boolean bias = weights.useBias();
        TypeSpec.Builder t = g.classBuilder(units + " units, activation " + activation().keras()
                + (bias ? "" : ", no bias"));
        t.addField(LayerSite.constant("INPUTS", inputs()));
        t.addField(LayerSite.constant("UNITS", units));
        t.addField(LayerSite.constant("IN_SIZE", inputs()));
        t.addField(LayerSite.constant("OUT_SIZE", units));
        String act = activation() == Activation.LINEAR ? "" : ActivationCode.describe(activation()) + " of ";
        if (g.vector()) {
            return generateVector(g, t, act);
        }
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("out = $Lin . kernel$L, for the first {@code n} examples.\n", act, bias ? " + bias" : "")
                .addJavadoc("\n<p>in (n, $L), out (n, $L), kernel ($L, $L)$L.\n", inputs(), units, inputs(), units,
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
            forward.addStatement("$T.fill(out, o, o + UNITS, 0f)", java.util.Arrays.class);
        }
        forward.beginControlFlow("for (int i = 0; i < INPUTS; i++)")
                .addStatement("float v = in[b * INPUTS + i]")
                .addStatement("int k = i * UNITS")
                .beginControlFlow("for (int u = 0; u < UNITS; u++)")
                .addStatement("out[o + u] += v * kernel[k + u]")
                .endControlFlow()
                .endControlFlow()
                .endControlFlow();
        if (activation() != Activation.LINEAR) {
            forward.addStatement("activate(out, n)");
        }
        t.addMethod(forward.build());
        if (activation() != Activation.LINEAR) {
            t.addMethod(ActivationCode.forward(activation(), "OUT_SIZE", units));
            t.addMethod(ActivationCode.backward(activation(), "OUT_SIZE", units));
        }
        boolean dIn = g.computesInputGradient();
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
        backward.addParameter(int.class, "n")
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

    @Override
    public long scratchFloats(LayerSite g) {
        return g.vector() && g.computesInputGradient() ? (long) inputs() * units : 0;
    }

    private TypeSpec generateVector(LayerSite g, TypeSpec.Builder t, String act) {
        boolean bias = weights.useBias();
        t.addFields(VectorCode.constants("UNITS"));
        t.addMethods(VectorCode.denseForward(bias, activation() != Activation.LINEAR, "out = " + act + "in . kernel"
                + (bias ? " + bias" : "") + ", for the first {@code n} examples.\n\n<p>in (n, " + inputs() + "), out (n, "
                + units + "), kernel (" + inputs() + ", " + units + "). Vector API variant.\n"));
        if (activation() != Activation.LINEAR) {
            t.addMethod(ActivationCode.forward(activation(), "OUT_SIZE", units));
            t.addMethod(ActivationCode.backward(activation(), "OUT_SIZE", units, true));
        }
        t.addMethods(VectorCode.denseBackward(bias, g.computesInputGradient(),
                "From {@code dOut}, the gradient of the pre-activation output: accumulates dKernel"
                        + (bias ? " and dBias" : "") + (g.computesInputGradient() ? " and sets dIn" : "")
                        + ". Vector API variant.\n"));
        return t.build();
    }

    @Override
    public CodeBlock forwardCall(LayerSite g) {
        List<Weight> w = weights();
        return CodeBlock.builder().addStatement("$T.forward($L, $L, $L$L, n)", g.className(), g.in(), g.out(),
                g.weightField(w.get(0)), weights.useBias() ? ", " + g.weightField(w.get(1)) : "").build();
    }

    @Override
    public CodeBlock backwardCall(LayerSite g) {
        List<Weight> w = weights();
        return CodeBlock.builder().addStatement("$T.backward($L, $L$L, $L, $L$L$L, n)", g.className(), g.in(), g.dOut(),
                g.computesInputGradient() ? ", " + g.dIn() : "", g.weightField(w.get(0)), g.weightGradientField(w.get(0)),
                weights.useBias() ? ", " + g.weightGradientField(w.get(1)) : "",
                scratchFloats(g) > 0 ? ", " + g.scratchFloatField() : "").build();
    }
}
