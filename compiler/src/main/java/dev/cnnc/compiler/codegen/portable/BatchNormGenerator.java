package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.ir.BatchNormLayer;
import dev.cnnc.compiler.ir.Initializer;
import dev.cnnc.compiler.ir.Weight;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * BatchNormalization in plain Java, over the model's two phases around it (docs/training.md).
 * Forward: the phase before ends with {@code forwardSums} (the replica's example count and, per
 * channel, the sum of its inputs and of their squares, in double); the trainer adds the chunks'
 * sums; {@code forwardTraining} normalizes with the whole batch's mean and biased variance and keeps
 * the normalized values for backward. Backward: {@code backwardSums} (per channel, the sum of the
 * output gradient and of its product with the normalized values; the replica's gamma and beta
 * gradients), the trainer adds them, and {@code backwardTraining} forms the input gradient
 * {@code gamma * invStd / m * (m * dy - sum(dy) - xHat * sum(dy * xHat))}. At inference the layer is
 * the affine map of the moving statistics. Values of an example are laid out
 * {@code ((o * CHANNELS + c) * INNER + i)}: {@code OUTER} values before the channel axis,
 * {@code INNER} after it.
 */
public class BatchNormGenerator implements LayerGenerator<BatchNormLayer> {

    @Override
    public TypeSpec generate(BatchNormLayer l, LayerSite site) {
        int c = l.channels();
        TypeSpec.Builder t = site.classBuilder("normalizes axis " + (l.axis() + 1) + " (" + c + " channels), momentum "
                + l.momentum() + ", epsilon " + l.epsilon() + (l.scale() ? "" : ", no gamma") + (l.center() ? "" : ", no beta")
                + (l.fused() ? "; moving variance as TensorFlow's fused kernel" : ""));
        t.addField(LayerSite.constant("CHANNELS", c));
        t.addField(LayerSite.constant("OUTER", l.outer()));
        t.addField(LayerSite.constant("INNER", l.inner()));
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("OUT_SIZE", l.outputShape().size()));
        t.addField(LayerSite.constant("SUMS", batchSums(l)));
        t.addField(FieldSpec.builder(int.class, "BLOCK", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("$L", block(l)).addJavadoc("Outer positions per block of the value loops (about 8 KB).\n").build());
        t.addField(FieldSpec.builder(double.class, "EPSILON", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .initializer("$L", l.epsilon()).build());
        t.addField(FieldSpec.builder(double.class, "MOMENTUM", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .initializer("$L", l.momentum()).build());
        String gamma = l.scale() ? "gamma[c]" : "1f";
        String beta = l.center() ? "beta[c]" : "0f";
        t.addMethod(forwardSums(l));
        t.addMethod(forwardTraining(l, gamma, beta));
        t.addMethod(forwardInference(l, gamma, beta));
        t.addMethod(backwardSums(l));
        if (site.computesInputGradient()) {
            t.addMethod(backwardTraining(l, gamma));
        }
        t.addMethod(backwardInference(l, site.computesInputGradient(), gamma));
        t.addMethod(updateState(l));
        return t.build();
    }

    /** The passes over the values, for {@link #valueLoops}. */
    protected enum Pass { FORWARD_SUMS, FORWARD_TRAINING, FORWARD_INFERENCE, BACKWARD_SUMS, BACKWARD_TRAINING, BACKWARD_INFERENCE }

    /**
     * Loops over the values of the first n examples, with {@code c} the channel and {@code j} the
     * index: {@code BLOCK} outer positions at a time, channel by channel inside a block, so that what
     * depends on the channel alone ({@code perChannel}, then {@code body} for each value, then
     * {@code afterChannel}) is computed once per block and channel, and each channel still sees its
     * values in ascending order (sums and results are those of the plain loop over every value). A
     * block holds about 2,048 values (8 KB). A backend may loop otherwise ({@code pass} says which).
     */
    protected CodeBlock valueLoops(BatchNormLayer l, Pass pass, CodeBlock perChannel, CodeBlock body,
            CodeBlock afterChannel) {
        return blocks(channels("0", perChannel, body, afterChannel));
    }

    /** The loop over blocks of {@code BLOCK} outer positions [e0, e1) around {@code inside}. */
    protected static CodeBlock blocks(CodeBlock inside) {
        return CodeBlock.builder().beginControlFlow("for (int e0 = 0; e0 < n * OUTER; e0 += BLOCK)")
                .addStatement("int e1 = Math.min(n * OUTER, e0 + BLOCK)")
                .add(inside)
                .endControlFlow().build();
    }

    /** Channels {@code from} .. CHANNELS - 1 of a block, one at a time (see {@link #valueLoops}). */
    protected static CodeBlock channels(String from, CodeBlock perChannel, CodeBlock body, CodeBlock afterChannel) {
        return CodeBlock.builder().beginControlFlow("for (int c = $L; c < CHANNELS; c++)", from)
                .add(perChannel)
                .beginControlFlow("for (int e = e0; e < e1; e++)")
                .beginControlFlow("for (int i = 0; i < INNER; i++)")
                .addStatement("int j = (e * CHANNELS + c) * INNER + i")
                .add(body)
                .endControlFlow().endControlFlow()
                .add(afterChannel)
                .endControlFlow().build();
    }

    /** Outer positions per block of {@link #valueLoops}: about 2,048 values, at least one position. */
    static int block(BatchNormLayer l) {
        return Math.max(1, 2048 / (l.channels() * l.inner()));
    }

    protected MethodSpec forwardSums(BatchNormLayer l) {
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("$T.fill(sums, at, at + 1 + 2 * CHANNELS, 0.0)", Arrays.class)
                .addStatement("sums[at] = n");
        b.add(valueLoops(l, Pass.FORWARD_SUMS, CodeBlock.builder().addStatement("double sum = sums[at + 1 + c]")
                .addStatement("double squares = sums[at + 1 + CHANNELS + c]").build(),
                CodeBlock.builder().addStatement("double x = in[j]")
                .addStatement("sum += x")
                .addStatement("squares += x * x").build(),
                CodeBlock.builder().addStatement("sums[at + 1 + c] = sum")
                .addStatement("sums[at + 1 + CHANNELS + c] = squares").build()));
        MethodSpec.Builder m = MethodSpec.methodBuilder("forwardSums").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("The replica's sums for the batch statistics: {@code sums[at]} = n, then per channel the sum\n"
                        + "of the inputs and the sum of their squares.\n")
                .addParameter(float[].class, "in").addParameter(double[].class, "sums");
        return sumsParameters(m).addParameter(int.class, "n").addCode(b.build()).build();
    }

    /** Sets {@code m}, and per channel {@code stats[c]} = mean and {@code stats[CHANNELS + c]} = 1 / sqrt(var + eps). */
    protected static CodeBlock statistics() {
        return CodeBlock.builder()
                .add("// the whole batch's statistics: mean and biased variance, per channel\n")
                .addStatement("double m = sums[at] * OUTER * INNER")
                .beginControlFlow("for (int c = 0; c < CHANNELS; c++)")
                .addStatement("double mean = sums[at + 1 + c] / m")
                .addStatement("double variance = Math.max(0.0, sums[at + 1 + CHANNELS + c] / m - mean * mean)")
                .addStatement("stats[c] = (float) mean")
                .addStatement("stats[CHANNELS + c] = (float) (1.0 / Math.sqrt(variance + EPSILON))")
                .endControlFlow()
                .build();
    }

    protected MethodSpec forwardTraining(BatchNormLayer l, String gamma, String beta) {
        CodeBlock.Builder b = CodeBlock.builder().add(statistics());
        b.add(valueLoops(l, Pass.FORWARD_TRAINING, CodeBlock.builder().addStatement("float mean = stats[c]")
                .addStatement("float invStd = stats[CHANNELS + c]")
                .addStatement("float g = $L", gamma).addStatement("float s = $L", beta).build(),
                CodeBlock.builder().addStatement("float xHat = (in[j] - mean) * invStd")
                .addStatement("out[j] = g * xHat + s").build(), CodeBlock.of("")));
        MethodSpec.Builder m = MethodSpec.methodBuilder("forwardTraining").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("out = gamma * (in - mean) / sqrt(var + eps) + beta with the whole batch's statistics from\n"
                        + "{@code sums}; keeps the statistics in {@code stats} for the backward passes, which recompute\n"
                        + "the normalized values from {@code in} (bit for bit) instead of keeping them.\n")
                .addParameter(float[].class, "in").addParameter(float[].class, "out");
        weights(m, l);
        return m.addParameter(double[].class, "sums").addParameter(int.class, "at").addParameter(float[].class, "stats")
                .addParameter(int.class, "n").addCode(b.build()).build();
    }

    private static void weights(MethodSpec.Builder m, BatchNormLayer l) {
        if (l.scale()) {
            m.addParameter(float[].class, "gamma");
        }
        if (l.center()) {
            m.addParameter(float[].class, "beta");
        }
    }

    protected MethodSpec forwardInference(BatchNormLayer l, String gamma, String beta) {
        CodeBlock.Builder b = CodeBlock.builder()
                .add("// as tf.nn.batch_normalization: x * inv + (beta - mean * inv), inv = gamma / sqrt(var + eps)\n");
        b.add(valueLoops(l, Pass.FORWARD_INFERENCE,
                CodeBlock.builder().addStatement("float inv = (float) ($L / Math.sqrt(movingVariance[c] + EPSILON))", gamma)
                .addStatement("float shift = $L - movingMean[c] * inv", beta).build(),
                CodeBlock.builder().addStatement("out[j] = in[j] * inv + shift").build(), CodeBlock.of("")));
        MethodSpec.Builder m = MethodSpec.methodBuilder("forwardInference").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("out = gamma * (in - moving_mean) / sqrt(moving_variance + eps) + beta.\n")
                .addParameter(float[].class, "in").addParameter(float[].class, "out");
        weights(m, l);
        return m.addParameter(float[].class, "movingMean").addParameter(float[].class, "movingVariance")
                .addParameter(int.class, "n").addCode(b.build()).build();
    }

    protected MethodSpec backwardSums(BatchNormLayer l) {
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("$T.fill(sums, at + 1 + 2 * CHANNELS, at + 1 + 4 * CHANNELS, 0.0)", Arrays.class);
        b.add(valueLoops(l, Pass.BACKWARD_SUMS, CodeBlock.builder().addStatement("double sumD = sums[at + 1 + 2 * CHANNELS + c]")
                .addStatement("double sumDx = sums[at + 1 + 3 * CHANNELS + c]")
                .addStatement("float mean = stats[c]")
                .addStatement("float invStd = stats[CHANNELS + c]").build(),
                CodeBlock.builder().addStatement("double d = dOut[j]")
                .addStatement("sumD += d")
                .addStatement("sumDx += d * ((in[j] - mean) * invStd)").build(),
                CodeBlock.builder().addStatement("sums[at + 1 + 2 * CHANNELS + c] = sumD")
                .addStatement("sums[at + 1 + 3 * CHANNELS + c] = sumDx").build()));
        b.beginControlFlow("for (int c = 0; c < CHANNELS; c++)");
        if (l.scale()) {
            b.addStatement("dGamma[c] += (float) sums[at + 1 + 3 * CHANNELS + c]");
        }
        if (l.center()) {
            b.addStatement("dBeta[c] += (float) sums[at + 1 + 2 * CHANNELS + c]");
        }
        b.endControlFlow();
        MethodSpec.Builder m = MethodSpec.methodBuilder("backwardSums").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("The replica's sums of dOut and of dOut * xHat per channel, which are also its gradients of\n"
                        + "beta and gamma (xHat recomputed from {@code in} and the forward pass's {@code stats}).\n")
                .addParameter(float[].class, "dOut").addParameter(float[].class, "in");
        if (l.scale()) {
            m.addParameter(float[].class, "dGamma");
        }
        if (l.center()) {
            m.addParameter(float[].class, "dBeta");
        }
        return sumsParameters(m.addParameter(double[].class, "sums")).addParameter(float[].class, "stats")
                .addParameter(int.class, "n").addCode(b.build()).build();
    }

    protected MethodSpec backwardTraining(BatchNormLayer l, String gamma) {
        CodeBlock.Builder b = CodeBlock.builder().addStatement("double m = sums[at] * OUTER * INNER");
        b.add(valueLoops(l, Pass.BACKWARD_TRAINING, CodeBlock.builder()
                .addStatement("double sumD = sums[at + 1 + 2 * CHANNELS + c]")
                .addStatement("double sumDx = sums[at + 1 + 3 * CHANNELS + c]")
                .addStatement("double scale = $L * stats[CHANNELS + c] / m", gamma)
                .addStatement("float mean = stats[c]")
                .addStatement("float invStd = stats[CHANNELS + c]").build(),
                CodeBlock.builder().addStatement("float xHat = (in[j] - mean) * invStd")
                .addStatement("dIn[j] = (float) (scale * (m * dOut[j] - sumD - xHat * sumDx))").build(),
                CodeBlock.of("")));
        MethodSpec.Builder m = MethodSpec.methodBuilder("backwardTraining").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("dIn = gamma * invStd / m * (m * dOut - sum(dOut) - xHat * sum(dOut * xHat)), with the whole\n"
                        + "batch's sums.\n")
                .addParameter(float[].class, "dOut").addParameter(float[].class, "in").addParameter(float[].class, "dIn");
        if (l.scale()) {
            m.addParameter(float[].class, "gamma");
        }
        return m.addParameter(double[].class, "sums").addParameter(int.class, "at").addParameter(float[].class, "stats")
                .addParameter(int.class, "n").addCode(b.build()).build();
    }

    protected MethodSpec backwardInference(BatchNormLayer l, boolean inputGradient, String gamma) {
        CodeBlock.Builder b = CodeBlock.builder();
        CodeBlock.Builder before = CodeBlock.builder()
                .addStatement("float inv = (float) (1.0 / Math.sqrt(movingVariance[c] + EPSILON))")
                .addStatement("float mean = movingMean[c]");
        CodeBlock.Builder after = CodeBlock.builder();
        if (l.scale()) {
            before.addStatement("float g = gamma[c]").addStatement("float dg = dGamma[c]");
            after.addStatement("dGamma[c] = dg");
        }
        if (l.center()) {
            before.addStatement("float db = dBeta[c]");
            after.addStatement("dBeta[c] = db");
        }
        CodeBlock.Builder body = CodeBlock.builder().addStatement("float d = dOut[j]");
        if (l.scale()) {
            body.addStatement("dg += d * (in[j] - mean) * inv");
        }
        if (l.center()) {
            body.addStatement("db += d");
        }
        if (inputGradient) {
            body.addStatement("dIn[j] = d * $L * inv", l.scale() ? "g" : "1f");
        }
        b.add(valueLoops(l, Pass.BACKWARD_INFERENCE, before.build(), body.build(), after.build()));
        MethodSpec.Builder m = MethodSpec.methodBuilder("backwardInference").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("The backward pass of the inference map (fixed moving statistics).\n")
                .addParameter(float[].class, "in").addParameter(float[].class, "dOut");
        if (inputGradient) {
            m.addParameter(float[].class, "dIn");
        }
        if (l.scale()) {
            m.addParameter(float[].class, "gamma").addParameter(float[].class, "dGamma");
        }
        if (l.center()) {
            m.addParameter(float[].class, "dBeta");
        }
        return m.addParameter(float[].class, "movingMean").addParameter(float[].class, "movingVariance")
                .addParameter(int.class, "n").addCode(b.build()).build();
    }

    private static MethodSpec updateState(BatchNormLayer l) {
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("double m = sums[at] * OUTER * INNER")
                .addStatement("float step = localStep[0] + 1")
                .addStatement("localStep[0] = step")
                .add("// TensorFlow's zero-debiased moving average: moving = biased / (1 - momentum^t), where the hidden\n")
                .add("// biased average (= moving * (1 - momentum^(t-1)) before this step) moves towards the value by (1 - momentum)\n")
                .addStatement("double before = 1 - Math.pow(MOMENTUM, step - 1)")
                .addStatement("double after = 1 - Math.pow(MOMENTUM, step)")
                .add("// Keras' correction of the variance$L\n", l.fused() ? ", after TensorFlow's fused kernel applied Bessel's" : "")
                .addStatement("double correction = $Lm / (m - (1.0 + EPSILON))", l.fused() ? "m / (m - 1) * " : "")
                .beginControlFlow("for (int c = 0; c < CHANNELS; c++)")
                .addStatement("double mean = sums[at + 1 + c] / m")
                .addStatement("double variance = Math.max(0.0, sums[at + 1 + CHANNELS + c] / m - mean * mean) * correction")
                .addStatement("double biasedMean = movingMean[c] * before")
                .addStatement("double biasedVariance = movingVariance[c] * before")
                .addStatement("movingMean[c] = (float) ((biasedMean - (biasedMean - mean) * (1 - MOMENTUM)) / after)")
                .addStatement("movingVariance[c] = (float) ((biasedVariance - (biasedVariance - variance) * (1 - MOMENTUM)) / after)")
                .endControlFlow();
        return MethodSpec.methodBuilder("updateState").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("Moves the moving mean and variance towards the whole batch's, as Keras 2.2.4 with TensorFlow.\n")
                .addParameter(double[].class, "sums").addParameter(int.class, "at")
                .addParameter(float[].class, "movingMean").addParameter(float[].class, "movingVariance")
                .addParameter(float[].class, "localStep").addCode(b.build()).build();
    }

    @Override
    public long scratchFloats(BatchNormLayer l, LayerSite site) {
        return 2L * l.channels();
    }

    @Override
    public int batchSums(BatchNormLayer l) {
        return 1 + 4 * l.channels();
    }

    @Override
    public List<Weight> hiddenState(BatchNormLayer l) {
        return List.of(Weight.of(Weight.Role.LOCAL_STEP, new int[] {1}, false, Initializer.zeros(), null, null));
    }

    private static Weight weight(BatchNormLayer l, Weight.Role role) {
        for (Weight w : l.weights()) {
            if (w.role() == role) {
                return w;
            }
        }
        return null;
    }

    /** {@code , batchNormalization1Gamma, batchNormalization1Beta} as the layer has them. */
    private static String affine(BatchNormLayer l, LayerSite site, boolean gradients) {
        StringBuilder s = new StringBuilder();
        for (Weight.Role role : new Weight.Role[] {Weight.Role.GAMMA, Weight.Role.BETA}) {
            Weight w = weight(l, role);
            if (w != null) {
                s.append(", ").append(gradients ? site.weightGradientField(w) : site.weightField(w));
            }
        }
        return s.toString();
    }

    private static String moving(BatchNormLayer l, LayerSite site) {
        return site.weightField(weight(l, Weight.Role.MOVING_MEAN)) + ", "
                + site.weightField(weight(l, Weight.Role.MOVING_VARIANCE));
    }

    /** The parameters after {@code sums} of the passes that add to it: {@code int at}. */
    protected MethodSpec.Builder sumsParameters(MethodSpec.Builder m) {
        return m.addParameter(int.class, "at");
    }

    /** The arguments for {@link #sumsParameters}: the layer's offset in the sums arrays. */
    protected String sumsArguments(LayerSite site) {
        return String.valueOf(site.sumsOffset());
    }

    @Override
    public CodeBlock forwardSumsCall(BatchNormLayer l, LayerSite site) {
        return CodeBlock.builder()
                .beginControlFlow("if (mode == $T.TRAINING)", dev.cnnc.runtime.Mode.class)
                .addStatement("$T.forwardSums($L, partialSums, $L, n)", site.className(), site.in(), sumsArguments(site))
                .endControlFlow()
                .build();
    }

    @Override
    public CodeBlock forwardCall(BatchNormLayer l, LayerSite site) {
        return CodeBlock.builder()
                .beginControlFlow("if (mode == $T.TRAINING)", dev.cnnc.runtime.Mode.class)
                .addStatement("$T.forwardTraining($L, $L$L, batchSums, $L, $L, n)", site.className(), site.in(),
                        site.out(), affine(l, site, false), site.sumsOffset(), site.scratchFloatField())
                .nextControlFlow("else")
                .addStatement("$T.forwardInference($L, $L$L, $L, n)", site.className(), site.in(), site.out(),
                        affine(l, site, false), moving(l, site))
                .endControlFlow()
                .build();
    }

    @Override
    public CodeBlock backwardSumsCall(BatchNormLayer l, LayerSite site) {
        return CodeBlock.builder()
                .beginControlFlow("if (mode == $T.TRAINING)", dev.cnnc.runtime.Mode.class)
                .addStatement("$T.backwardSums($L, $L$L, partialSums, $L, $L, n)", site.className(), site.dOut(), site.in(),
                        affine(l, site, true), sumsArguments(site), site.scratchFloatField())
                .endControlFlow()
                .build();
    }

    @Override
    public CodeBlock backwardCall(BatchNormLayer l, LayerSite site) {
        CodeBlock.Builder b = CodeBlock.builder();
        Weight gamma = weight(l, Weight.Role.GAMMA);
        if (site.computesInputGradient()) {
            b.beginControlFlow("if (mode == $T.TRAINING)", dev.cnnc.runtime.Mode.class)
                    .addStatement("$T.backwardTraining($L, $L, $L$L, batchSums, $L, $L, n)", site.className(), site.dOut(),
                            site.in(), site.dIn(), gamma == null ? "" : ", " + site.weightField(gamma),
                            site.sumsOffset(), site.scratchFloatField())
                    .nextControlFlow("else");
        } else {
            b.beginControlFlow("if (mode != $T.TRAINING)", dev.cnnc.runtime.Mode.class);
        }
        StringBuilder args = new StringBuilder(site.in() + ", " + site.dOut());
        if (site.computesInputGradient()) {
            args.append(", ").append(site.dIn());
        }
        if (gamma != null) {
            args.append(", ").append(site.weightField(gamma)).append(", ").append(site.weightGradientField(gamma));
        }
        Weight beta = weight(l, Weight.Role.BETA);
        if (beta != null) {
            args.append(", ").append(site.weightGradientField(beta));
        }
        b.addStatement("$T.backwardInference($L, $L, n)", site.className(), args, moving(l, site));
        return b.endControlFlow().build();
    }

    @Override
    public CodeBlock updateStateCall(BatchNormLayer l, LayerSite site) {
        return CodeBlock.builder().addStatement("$T.updateState(batchSums, $L, $L, $L)", site.className(), site.sumsOffset(),
                moving(l, site), site.weightField(hiddenState(l).get(0))).build();
    }
}
