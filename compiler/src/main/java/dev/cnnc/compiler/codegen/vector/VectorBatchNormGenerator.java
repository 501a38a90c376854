package dev.cnnc.compiler.codegen.vector;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.portable.BatchNormGenerator;
import dev.cnnc.compiler.ir.BatchNormLayer;
import javax.lang.model.element.Modifier;

/**
 * BatchNormalization over the last axis (channels-last, or after a Dense layer) with the Vector API:
 * the portable code's blocks of outer positions, and in each block a vector of consecutive channels
 * at a time, the channels beyond the last whole vector one at a time as in the portable code. The
 * portable code walks each channel's values with a stride of CHANNELS floats, one value at a time;
 * here every load is a vector of channels.
 *
 * <p>Normalizing and its gradient give the portable values, to rounding: the forward formulas are
 * the same float operations; the input gradient uses per-channel coefficients computed in double
 * ({@code gamma * invStd}, the mean of dOut and of dOut * xHat), then floats. The batch sums add a
 * block's values per channel in a float vector (at most {@code BLOCK} of them), then the block's sum
 * into the double sums, where the portable code adds every value in double. The inference-mode
 * backward pass (BatchNormalization frozen while the rest trains) stays portable.
 */
final class VectorBatchNormGenerator extends BatchNormGenerator {
    @Override
    public boolean handles(BatchNormLayer l) {
        return l.inner() == 1;
    }

    @Override
    public TypeSpec generate(BatchNormLayer l, LayerSite site) {
        return super.generate(l, site).toBuilder().addFields(VectorKernels.species())
                .addField(FieldSpec.builder(int.class, "C_VEC", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("CHANNELS - CHANNELS % L")
                        .addJavadoc("Channels done with vectors; the rest one at a time.\n").build())
                .build();
    }

    /**
     * Scratch: the statistics (2 * CHANNELS: mean and 1 / std, from forwardTraining to
     * backwardTraining), the input gradient's per-channel coefficients (2 * CHANNELS) and the lanes
     * of two vectors of block sums (2 * 16, the widest vector's lanes).
     */
    @Override
    public long scratchFloats(BatchNormLayer l, LayerSite site) {
        return 4L * l.channels() + 32;
    }

    /** The sums passes also take the scratch buffer, for the lanes of their block sums. */
    @Override
    protected MethodSpec.Builder sumsParameters(MethodSpec.Builder m) {
        return super.sumsParameters(m).addParameter(float[].class, "scratch");
    }

    @Override
    protected String sumsArguments(LayerSite site) {
        return super.sumsArguments(site) + ", " + site.scratchFloatField();
    }

    @Override
    protected CodeBlock valueLoops(BatchNormLayer l, Pass pass, CodeBlock perChannel, CodeBlock body,
            CodeBlock afterChannel) {
        CodeBlock.Builder b = CodeBlock.builder();
        if (pass == Pass.BACKWARD_INFERENCE) {
            return super.valueLoops(l, pass, perChannel, body, afterChannel);
        }
        if (pass == Pass.BACKWARD_TRAINING) {
            b.add("// per channel: dIn = a * (dOut - meanD - xHat * meanDx), a = gamma * invStd\n")
                    .beginControlFlow("for (int c = 0; c < C_VEC; c++)")
                    .addStatement("stats[2 * CHANNELS + c] = (float) (sums[at + 1 + 2 * CHANNELS + c] / m)")
                    .addStatement("stats[3 * CHANNELS + c] = (float) (sums[at + 1 + 3 * CHANNELS + c] / m)")
                    .endControlFlow();
        }
        CodeBlock.Builder inside = CodeBlock.builder().beginControlFlow("for (int c = 0; c < C_VEC; c += L)");
        inside.add(vectorChannels(l, pass)).endControlFlow()
                .add(channels("C_VEC", perChannel, body, afterChannel));
        return b.add(blocks(inside.build())).build();
    }

    /** One vector of channels from {@code c} over the block's positions, for {@code pass}. */
    private static CodeBlock vectorChannels(BatchNormLayer l, Pass pass) {
        Object v = VectorTypes.FLOAT_VECTOR;
        CodeBlock gamma = l.scale() ? CodeBlock.of("$T.fromArray(S, gamma, c)", v) : CodeBlock.of("$T.broadcast(S, 1f)", v);
        CodeBlock beta = l.center() ? CodeBlock.of("$T.fromArray(S, beta, c)", v) : CodeBlock.of("$T.zero(S)", v);
        CodeBlock.Builder b = CodeBlock.builder();
        switch (pass) {
            case FORWARD_SUMS -> b.addStatement("$T sum = $T.zero(S)", v, v)
                    .addStatement("$T squares = sum", v)
                    .beginControlFlow("for (int e = e0; e < e1; e++)")
                    .addStatement("$T x = $T.fromArray(S, in, e * CHANNELS + c)", v, v)
                    .addStatement("sum = sum.add(x)")
                    .addStatement("squares = x.fma(x, squares)")
                    .endControlFlow()
                    .add(addLanes("sum", "squares", "at + 1 + c", "at + 1 + CHANNELS + c"));
            case FORWARD_TRAINING -> b.addStatement("$T mean = $T.fromArray(S, stats, c)", v, v)
                    .addStatement("$T invStd = $T.fromArray(S, stats, CHANNELS + c)", v, v)
                    .addStatement("$T g = $L", v, gamma)
                    .addStatement("$T s = $L", v, beta)
                    .beginControlFlow("for (int e = e0; e < e1; e++)")
                    .addStatement("int j = e * CHANNELS + c")
                    .addStatement("$T xHat = $T.fromArray(S, in, j).sub(mean).mul(invStd)", v, v)
                    .add("// g * xHat + s rounded twice, as in the portable code\n")
                    .addStatement("g.mul(xHat).add(s).intoArray(out, j)")
                    .endControlFlow();
            case FORWARD_INFERENCE -> b
                    .addStatement("$T inv = $L.div($T.fromArray(S, movingVariance, c).add((float) EPSILON).sqrt())", v, gamma, v)
                    .addStatement("$T shift = $L.sub($T.fromArray(S, movingMean, c).mul(inv))", v, beta, v)
                    .beginControlFlow("for (int e = e0; e < e1; e++)")
                    .addStatement("int j = e * CHANNELS + c")
                    .addStatement("$T.fromArray(S, in, j).mul(inv).add(shift).intoArray(out, j)", v)
                    .endControlFlow();
            case BACKWARD_SUMS -> b.addStatement("$T sumD = $T.zero(S)", v, v)
                    .addStatement("$T sumDx = sumD", v)
                    .addStatement("$T mean = $T.fromArray(S, stats, c)", v, v)
                    .addStatement("$T invStd = $T.fromArray(S, stats, CHANNELS + c)", v, v)
                    .beginControlFlow("for (int e = e0; e < e1; e++)")
                    .addStatement("int j = e * CHANNELS + c")
                    .addStatement("$T d = $T.fromArray(S, dOut, j)", v, v)
                    .addStatement("sumD = sumD.add(d)")
                    .addStatement("sumDx = d.fma($T.fromArray(S, in, j).sub(mean).mul(invStd), sumDx)", v)
                    .endControlFlow()
                    .add(addLanes("sumD", "sumDx", "at + 1 + 2 * CHANNELS + c", "at + 1 + 3 * CHANNELS + c"));
            case BACKWARD_TRAINING -> b.addStatement("$T a = $L.mul($T.fromArray(S, stats, CHANNELS + c))", v, gamma, v)
                    .addStatement("$T meanD = $T.fromArray(S, stats, 2 * CHANNELS + c)", v, v)
                    .addStatement("$T meanDx = $T.fromArray(S, stats, 3 * CHANNELS + c)", v, v)
                    .addStatement("$T mean = $T.fromArray(S, stats, c)", v, v)
                    .addStatement("$T invStd = $T.fromArray(S, stats, CHANNELS + c)", v, v)
                    .beginControlFlow("for (int e = e0; e < e1; e++)")
                    .addStatement("int j = e * CHANNELS + c")
                    .addStatement("$T xHat = $T.fromArray(S, in, j).sub(mean).mul(invStd)", v, v)
                    .addStatement("$T.fromArray(S, dOut, j).sub(meanD).sub(xHat.mul(meanDx)).mul(a).intoArray(dIn, j)", v)
                    .endControlFlow();
            default -> throw new IllegalArgumentException(pass.toString());
        }
        return b.build();
    }

    /** Adds the lanes of two float vectors of block sums to the double sums from {@code at0} and {@code at1}. */
    private static CodeBlock addLanes(String first, String second, String at0, String at1) {
        return CodeBlock.builder()
                .addStatement("$L.intoArray(scratch, 4 * CHANNELS)", first)
                .addStatement("$L.intoArray(scratch, 4 * CHANNELS + L)", second)
                .beginControlFlow("for (int i = 0; i < L; i++)")
                .addStatement("sums[$L + i] += scratch[4 * CHANNELS + i]", at0)
                .addStatement("sums[$L + i] += scratch[4 * CHANNELS + L + i]", at1)
                .endControlFlow()
                .build();
    }
}
