package dev.cnnc.compiler.codegen.vector;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.Window;
import dev.cnnc.compiler.codegen.portable.Pool2DGenerator;
import dev.cnnc.compiler.ir.Geometry2D;

/**
 * Pooling, channels-last, with the Vector API: a vector of channels at a time, channels beyond the
 * last whole vector one at a time. Max pooling's forward pass keeps each vector's max in a register
 * over the window's taps ({@code max}: Math.max's semantics, so NaN wins as in the portable code);
 * its backward pass keeps a mask of the channels whose gradient is already given, and each tap takes
 * the gradient where its input equals the max and the mask is clear. Average pooling: vectors of
 * channels in both passes. Channels-first is the portable code.
 */
final class VectorPool2DGenerator extends Pool2DGenerator {

    /**
     * Average pooling, channels-last: a vector of channels summed over the window in a register,
     * then scaled; the tail channels one at a time.
     */
    @Override
    protected CodeBlock averageForwardChannelsLast(TypeSpec.Builder type, Geometry2D g, Window win) {
        type.addFields(VectorKernels.constants("CHANNELS"));
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("int channelsVec = CHANNELS - CHANNELS % L")
                .beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * CHANNELS");
        averageScale(b, g);
        b.beginControlFlow("for (int c = 0; c < channelsVec; c += L)")
                .addStatement("$T sum = $T.zero(S)", VectorTypes.FLOAT_VECTOR, VectorTypes.FLOAT_VECTOR)
                .addStatement("int i");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = $L + c", inLast(row, column))
                .addStatement("sum = sum.add($T.fromArray(S, in, i))", VectorTypes.FLOAT_VECTOR)
                .build()));
        b.addStatement("sum.mul(scale).intoArray(out, o + c)")
                .endControlFlow()
                .beginControlFlow("for (int c = channelsVec; c < CHANNELS; c++)")
                .addStatement("float sum = 0f")
                .addStatement("int i");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = $L + c", inLast(row, column))
                .addStatement("sum += in[i]")
                .build()));
        b.addStatement("out[o + c] = sum * scale").endControlFlow();
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }

    /** Average pooling's channels-last backward pass: each tap adds a vector of {@code dOut * scale}. */
    @Override
    protected CodeBlock averageBackwardChannelsLast(TypeSpec.Builder type, Geometry2D g, Window win) {
        // S and L: added with the forward pass
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("int channelsVec = CHANNELS - CHANNELS % L")
                .beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * CHANNELS");
        averageScale(b, g);
        b.beginControlFlow("for (int c = 0; c < channelsVec; c += L)")
                .addStatement("$T d = $T.fromArray(S, dOut, o + c).mul(scale)", VectorTypes.FLOAT_VECTOR,
                        VectorTypes.FLOAT_VECTOR)
                .addStatement("int i");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = $L + c", inLast(row, column))
                .addStatement("$T.fromArray(S, dIn, i).add(d).intoArray(dIn, i)", VectorTypes.FLOAT_VECTOR)
                .build()));
        b.endControlFlow()
                .beginControlFlow("for (int c = channelsVec; c < CHANNELS; c++)")
                .addStatement("float d = dOut[o + c] * scale")
                .addStatement("int i");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = $L + c", inLast(row, column))
                .addStatement("dIn[i] += d")
                .build()));
        b.endControlFlow();
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }

    /** Max pooling's channels-last forward pass: each vector's max over the taps in a register. */
    @Override
    protected CodeBlock forwardChannelsLast(TypeSpec.Builder type, Window win) {
        type.addFields(VectorKernels.constants("CHANNELS"));
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("int channelsVec = CHANNELS - CHANNELS % L")
                .beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * CHANNELS")
                .beginControlFlow("for (int c = 0; c < channelsVec; c += L)")
                .addStatement("$T max = $T.broadcast(S, Float.NEGATIVE_INFINITY)", VectorTypes.FLOAT_VECTOR,
                        VectorTypes.FLOAT_VECTOR);
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("max = max.max($T.fromArray(S, in, $L + c))", VectorTypes.FLOAT_VECTOR, inLast(row, column))
                .build()));
        b.addStatement("max.intoArray(out, o + c)")
                .endControlFlow()
                .add(channelMaxes(win, "channelsVec"));
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }

    /** Windows that tile the input let the backward pass write each cell of dIn once, uncleared. */
    @Override
    protected boolean tiles(Geometry2D g) {
        return g.padTop() == 0 && g.padBottom() == 0 && g.padLeft() == 0 && g.padRight() == 0
                && g.strideHeight() == g.kernelHeight() && g.strideWidth() == g.kernelWidth()
                && g.outHeight() * g.strideHeight() == g.inHeight() && g.outWidth() * g.strideWidth() == g.inWidth()
                && g.dilationHeight() == 1 && g.dilationWidth() == 1;
    }

    /** True if no two windows share an input cell. */
    private static boolean disjoint(Geometry2D g) {
        return g.strideHeight() >= g.kernelHeight() && g.strideWidth() >= g.kernelWidth() && g.dilationHeight() == 1
                && g.dilationWidth() == 1;
    }

    /**
     * Max pooling's channels-last backward pass. Where no two windows share a cell, each tap stores
     * its vector (the gradient or zero) instead of adding to dIn; where they also tile the input, dIn
     * is not cleared first.
     */
    @Override
    protected CodeBlock backwardChannelsLast(TypeSpec.Builder type, Geometry2D g, Window win, boolean relu) {
        // S and L: added with the forward pass
        boolean store = disjoint(g);
        boolean cleared = !tiles(g);
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("int channelsVec = CHANNELS - CHANNELS % L")
                .beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * CHANNELS")
                .beginControlFlow("for (int c = 0; c < channelsVec; c += L)")
                .addStatement("$T max = $T.fromArray(S, out, o + c)", VectorTypes.FLOAT_VECTOR, VectorTypes.FLOAT_VECTOR)
                .addStatement("$T gradient = $T.fromArray(S, dOut, o + c)", VectorTypes.FLOAT_VECTOR,
                        VectorTypes.FLOAT_VECTOR)
                .add(relu ? "// a NaN max takes no gradient, nor (the previous layer's relu) one that is not positive\n"
                        : "// a NaN max takes no gradient\n")
                .addStatement(relu ? "$T given = max.compare($T.GT, 0f).not()" : "$T given = max.compare($T.NE, max)",
                        VectorTypes.FLOAT_MASK, VectorTypes.OPERATORS)
                .addStatement("$T hit", VectorTypes.FLOAT_MASK)
                .addStatement("int i");
        if (store) {
            b.addStatement("$T zero = $T.zero(S)", VectorTypes.FLOAT_VECTOR, VectorTypes.FLOAT_VECTOR);
        }
        CodeBlock give = store ? CodeBlock.of("zero.blend(gradient, hit).intoArray(dIn, i)")
                : CodeBlock.of("$T.fromArray(S, dIn, i).add(gradient, hit).intoArray(dIn, i)", VectorTypes.FLOAT_VECTOR);
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = $L + c", inLast(row, column))
                .addStatement("hit = $T.fromArray(S, in, i).compare($T.EQ, max).and(given.not())", VectorTypes.FLOAT_VECTOR,
                        VectorTypes.OPERATORS)
                .addStatement(give)
                .addStatement("given = given.or(hit)")
                .build()));
        b.endControlFlow()
                .beginControlFlow("for (int c = channelsVec; c < CHANNELS; c++)")
                .addStatement("float max = out[o + c]")
                .addStatement("int won = -1")
                .addStatement("int i");
        b.add(win.taps((row, column, tap) -> {
            CodeBlock.Builder t = CodeBlock.builder()
                    .addStatement("i = $L + c", inLast(row, column))
                    .addStatement("won = won < 0 & in[i] == max ? i : won");
            if (!cleared) {
                t.addStatement("dIn[i] = 0f");
            }
            return t.build();
        }));
        b.add(winner(relu)).addStatement("dIn[won] += dOut[o + c]").endControlFlow()
                .endControlFlow();
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }
}
