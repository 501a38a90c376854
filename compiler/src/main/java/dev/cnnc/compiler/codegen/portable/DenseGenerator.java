package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.ActivationCode;
import dev.cnnc.compiler.codegen.WeightedLayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.ModelField;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.DenseLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Dense in plain Java. The kernel is {@code (in, units)}: the units loop is innermost and contiguous.
 * Up to {@link #ROWS_LIMIT} kernel floats, C2 vectorizes it as Conv2D's (see {@link Conv2DGenerator}):
 * the kernel is read through one row per input, each example summed in a row of its own (8 inputs
 * per pass), the kernel gradient summed over the examples 8 at a time, the input gradient through
 * transposed rows, every value in the order of the plain loops; larger kernels keep the plain loops
 * rather than three copies of the kernel per replica.
 */
public final class DenseGenerator implements WeightedLayerGenerator<DenseLayer> {
    /** The largest kernel (floats) that gets row copies: 4 MiB. */
    static final long ROWS_LIMIT = 1L << 20;

    static boolean rows(DenseLayer l) {
        return (long) l.inputs() * l.units() <= ROWS_LIMIT;
    }

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
    public List<ModelField> modelFields(DenseLayer l, LayerSite site) {
        if (!rows(l)) {
            return List.of();
        }
        ClassName c = site.className();
        TypeName rows = TypeName.get(float[][].class);
        List<ModelField> fields = new ArrayList<>(List.of(
                new ModelField(rows, site.fieldPrefix() + "Rows", CodeBlock.of("new float[$T.INPUTS][$T.UNITS]", c, c),
                        "the kernel, one row of units per input."),
                new ModelField(rows, site.fieldPrefix() + "GradientRows",
                        CodeBlock.of("new float[$T.INPUTS][$T.UNITS]", c, c), "the kernel's gradient, one row per input."),
                new ModelField(rows, site.fieldPrefix() + "Pixels", CodeBlock.of("new float[batchSize][$T.UNITS]", c),
                        "the output gradient, one row per example."),
                new ModelField(TypeName.get(float[].class), site.fieldPrefix() + "Acc",
                        CodeBlock.of("new float[$T.UNITS]", c), "one example's sums.")));
        if (site.computesInputGradient()) {
            fields.add(new ModelField(rows, site.fieldPrefix() + "TransposedRows",
                    CodeBlock.of("new float[$T.UNITS][$T.INPUTS]", c, c), "the kernel, one row of inputs per unit."));
            fields.add(new ModelField(TypeName.get(float[].class), site.fieldPrefix() + "InputAcc",
                    CodeBlock.of("new float[$T.INPUTS]", c), "one example's input gradient."));
        }
        return fields;
    }

    @Override
    public CodeBlock forwardCall(DenseLayer l, LayerSite site) {
        if (!rows(l)) {
            return site.weightedForwardCall();
        }
        String p = site.fieldPrefix();
        return CodeBlock.builder().addStatement("$T.forward($L, $L, $L$L, $LRows, $LAcc, n)", site.className(), site.in(),
                site.out(), site.weightField(l.weights().get(0)),
                l.useBias() ? ", " + site.weightField(l.weights().get(1)) : "", p, p).build();
    }

    @Override
    public CodeBlock backwardCall(DenseLayer l, LayerSite site) {
        if (!rows(l)) {
            return site.weightedBackwardCall();
        }
        String p = site.fieldPrefix();
        boolean dIn = site.computesInputGradient();
        return CodeBlock.builder().addStatement("$T.backward($L, $L$L, $L, $L$L, $LGradientRows, $LPixels$L, n)",
                site.className(), site.in(), site.dOut(), dIn ? ", " + site.dIn() : "",
                site.weightField(l.weights().get(0)), site.weightGradientField(l.weights().get(0)),
                l.useBias() ? ", " + site.weightGradientField(l.weights().get(1)) : "", p, p,
                dIn ? ", " + p + "TransposedRows, " + p + "InputAcc" : "").build();
    }

    @Override
    public TypeSpec generate(DenseLayer l, LayerSite site) {
        return rows(l) ? generateRows(l, site) : generatePlain(l, site);
    }

    private static final int UNROLL = Conv2DGenerator.UNROLL;

    /** The layer with row copies: C2 vectorizes its loops. */
    private TypeSpec generateRows(DenseLayer l, LayerSite site) {
        boolean bias = l.useBias();
        Activation act = l.activation();
        TypeSpec.Builder t = header(l, site);
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("out = $Lin . kernel$L, for the first {@code n} examples.\n",
                        Conv2DGenerator.activationPrefix(act), bias ? " + bias" : "")
                .addJavadoc("\n<p>in (n, $L), out (n, $L), kernel ($L, $L)$L.\n", l.inputs(), l.units(), l.inputs(),
                        l.units(), bias ? ", bias (" + l.units() + ")" : "")
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "kernel");
        if (bias) {
            forward.addParameter(float[].class, "bias");
        }
        forward.addParameter(float[][].class, "rows").addParameter(float[].class, "acc").addParameter(int.class, "n")
                .beginControlFlow("for (int i = 0; i < INPUTS; i++)")
                .addStatement("$T.arraycopy(kernel, i * UNITS, rows[i], 0, UNITS)", System.class)
                .endControlFlow()
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .addStatement("int x = b * INPUTS");
        if (bias) {
            forward.addStatement("$T.arraycopy(bias, 0, acc, 0, UNITS)", System.class);
        } else {
            forward.addStatement("$T.fill(acc, 0f)", Arrays.class);
        }
        forward.addCode(Conv2DGenerator.sumRows("i", l.inputs(), "INPUTS", "v", e -> "in[x + " + e + "]",
                e -> "rows[" + e + "]", "acc", "UNITS", "u", false));
        forward.addStatement("$T.arraycopy(acc, 0, out, b * UNITS, UNITS)", System.class).endControlFlow();
        if (act != Activation.LINEAR) {
            forward.addStatement("activate(out, n)");
        }
        t.addMethod(forward.build());
        if (act != Activation.LINEAR) {
            t.addMethod(ActivationCode.forward(act, "OUT_SIZE", l.units()));
            t.addMethod(ActivationCode.backward(act, "OUT_SIZE", l.units()));
        }
        boolean dIn = site.computesInputGradient();
        List<ParameterSpec> buffers = new ArrayList<>(List.of(ParameterSpec.builder(float[][].class, "dRows").build(),
                ParameterSpec.builder(float[][].class, "pixels").build()));
        if (dIn) {
            buffers.add(ParameterSpec.builder(float[][].class, "rowsT").build());
            buffers.add(ParameterSpec.builder(float[].class, "inAcc").build());
        }
        MethodSpec.Builder backward = WeightedLayerGenerator.backwardMethod(site, bias, buffers)
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .addStatement("$T.arraycopy(dOut, b * UNITS, pixels[b], 0, UNITS)", System.class);
        if (bias) {
            backward.addStatement("float[] d = pixels[b]")
                    .beginControlFlow("for (int u = 0; u < UNITS; u++)").addStatement("dBias[u] += d[u]").endControlFlow();
        }
        backward.endControlFlow()
                .beginControlFlow("for (int i = 0; i < INPUTS; i++)")
                .addStatement("$T.arraycopy(dKernel, i * UNITS, dRows[i], 0, UNITS)", System.class)
                .endControlFlow()
                .addStatement("kernelGradients(in, pixels, dRows, n)")
                .beginControlFlow("for (int i = 0; i < INPUTS; i++)")
                .addStatement("$T.arraycopy(dRows[i], 0, dKernel, i * UNITS, UNITS)", System.class)
                .endControlFlow();
        if (dIn) {
            backward.beginControlFlow("for (int i = 0; i < INPUTS; i++)")
                    .beginControlFlow("for (int u = 0; u < UNITS; u++)")
                    .addStatement("rowsT[u][i] = kernel[i * UNITS + u]")
                    .endControlFlow().endControlFlow()
                    .beginControlFlow("for (int b = 0; b < n; b++)")
                    .addStatement("inputGradient(pixels[b], rowsT, inAcc)")
                    .addStatement("$T.arraycopy(inAcc, 0, dIn, b * INPUTS, INPUTS)", System.class)
                    .endControlFlow();
        }
        t.addMethod(backward.build());
        t.addMethod(kernelGradients());
        if (dIn) {
            t.addMethod(inputGradient(l.units()));
        }
        return t.build();
    }

    /** The kernel's gradient, input by input, over the examples in order, 8 at a time. */
    private static MethodSpec kernelGradients() {
        CodeBlock.Builder b = CodeBlock.builder()
                .beginControlFlow("for (int i = 0; i < INPUTS; i++)")
                .addStatement("float[] dk = dRows[i]")
                .addStatement("int q = 0")
                .beginControlFlow("for (; q + $L <= n; q += $L)", UNROLL, UNROLL);
        for (int u = 0; u < UNROLL; u++) {
            b.addStatement("float v$L = in[$L * INPUTS + i]", u, u == 0 ? "q" : "(q + " + u + ")")
                    .addStatement("float[] d$L = pixels[$L]", u, Conv2DGenerator.plus("q", u));
        }
        b.add(Conv2DGenerator.unrolledRows("dk", "UNITS", "u", UNROLL, "v", "d")).endControlFlow()
                .beginControlFlow("for (; q < n; q++)")
                .addStatement("float v0 = in[q * INPUTS + i]").addStatement("float[] d0 = pixels[q]")
                .add(Conv2DGenerator.unrolledRows("dk", "UNITS", "u", 1, "v", "d")).endControlFlow()
                .endControlFlow();
        return MethodSpec.methodBuilder("kernelGradients").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("Adds every example's contribution to the kernel's gradient, in example order.\n")
                .addParameter(float[].class, "in").addParameter(float[][].class, "pixels")
                .addParameter(float[][].class, "dRows").addParameter(int.class, "n").addCode(b.build()).build();
    }

    /** One example's input gradient: for each input, the sum over units in unit order, from {@code 0f}. */
    private static MethodSpec inputGradient(int units) {
        CodeBlock b = Conv2DGenerator.sumRows("u", units, "UNITS", "d", e -> "d[" + e + "]", e -> "rowsT[" + e + "]",
                "inAcc", "INPUTS", "i", true);
        return MethodSpec.methodBuilder("inputGradient").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("inAcc[i] = sum over units of rowsT[u][i] * d[u], in unit order.\n")
                .addParameter(float[].class, "d").addParameter(float[][].class, "rowsT")
                .addParameter(float[].class, "inAcc").addCode(b).build();
    }

    /** The layer with plain loops, for kernels above {@link #ROWS_LIMIT}. */
    private TypeSpec generatePlain(DenseLayer l, LayerSite site) {
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
