package dev.cnnc.compiler.codegen.vector;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.portable.GlobalPool2DGenerator;

/**
 * Global pooling, channels-last, with the Vector API: each example's channels in blocks of 4 vectors
 * (then single vectors, then one at a time) whose sums or maxima stay in registers over all the cells,
 * instead of a load and a store of each output per cell (the plain loop, which C2 does not vectorize:
 * 14x14 cells of 128 channels, 16 images, AVX-512: 119 us). Sums in the plain code's order (cell by
 * cell, then times {@code 1 / CELLS}): the same bits. The average's backward pass stores a vector of
 * {@code dOut / CELLS} into every cell. Channels-first is the portable code.
 */
final class VectorGlobalPool2DGenerator extends GlobalPool2DGenerator {

    @Override
    protected CodeBlock forwardChannelsLast(TypeSpec.Builder t, boolean average) {
        t.addFields(VectorKernels.species());
        String start = average ? "FloatVector.zero(S)" : "FloatVector.broadcast(S, Float.NEGATIVE_INFINITY)";
        String op = average ? "add" : "max";
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("int o = b * CHANNELS")
                .addStatement("int c = 0")
                .add("// 4 vectors of channels at a time over every cell, their accumulators in registers\n")
                .beginControlFlow("for (; c + 4 * L <= CHANNELS; c += 4 * L)")
                .addStatement("$T s0 = $L, s1 = s0, s2 = s0, s3 = s0", VectorTypes.FLOAT_VECTOR, start)
                .beginControlFlow("for (int p = 0; p < CELLS; p++)")
                .addStatement("int i = (b * CELLS + p) * CHANNELS + c");
        for (int v = 0; v < 4; v++) {
            b.addStatement("s$L = s$L.$L($T.fromArray(S, in, i$L))", v, v, op, VectorTypes.FLOAT_VECTOR,
                    v == 0 ? "" : " + " + (v == 1 ? "" : v + " * ") + "L");
        }
        b.endControlFlow();
        for (int v = 0; v < 4; v++) {
            String at = "o + c" + (v == 0 ? "" : " + " + (v == 1 ? "" : v + " * ") + "L");
            b.addStatement("s$L$L.intoArray(out, $L)", v, average ? ".mul(1f / CELLS)" : "", at);
        }
        b.endControlFlow()
                .beginControlFlow("for (; c + L <= CHANNELS; c += L)")
                .addStatement("$T s = $L", VectorTypes.FLOAT_VECTOR, start)
                .beginControlFlow("for (int p = 0; p < CELLS; p++)")
                .addStatement("s = s.$L($T.fromArray(S, in, (b * CELLS + p) * CHANNELS + c))", op, VectorTypes.FLOAT_VECTOR)
                .endControlFlow()
                .addStatement("s$L.intoArray(out, o + c)", average ? ".mul(1f / CELLS)" : "")
                .endControlFlow()
                .beginControlFlow("for (; c < CHANNELS; c++)")
                .addStatement("float s = $L", average ? "0f" : "Float.NEGATIVE_INFINITY")
                .beginControlFlow("for (int p = 0; p < CELLS; p++)")
                .addStatement(average ? "s += in[(b * CELLS + p) * CHANNELS + c]"
                        : "s = Math.max(s, in[(b * CELLS + p) * CHANNELS + c])")
                .endControlFlow()
                .addStatement("out[o + c] = $L", average ? "s * (1f / CELLS)" : "s")
                .endControlFlow();
        return b.build();
    }

    @Override
    protected CodeBlock averageBackwardChannelsLast(TypeSpec.Builder t) {
        // S and L: added with the forward pass
        return CodeBlock.builder()
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .addStatement("int c = 0")
                .beginControlFlow("for (; c + L <= CHANNELS; c += L)")
                .addStatement("$T g = $T.fromArray(S, dOut, b * CHANNELS + c).mul(1f / CELLS)", VectorTypes.FLOAT_VECTOR,
                        VectorTypes.FLOAT_VECTOR)
                .beginControlFlow("for (int p = 0; p < CELLS; p++)")
                .addStatement("g.intoArray(dIn, (b * CELLS + p) * CHANNELS + c)")
                .endControlFlow()
                .endControlFlow()
                .beginControlFlow("for (; c < CHANNELS; c++)")
                .addStatement("float g = dOut[b * CHANNELS + c] * (1f / CELLS)")
                .beginControlFlow("for (int p = 0; p < CELLS; p++)")
                .addStatement("dIn[(b * CELLS + p) * CHANNELS + c] = g")
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .build();
    }
}
