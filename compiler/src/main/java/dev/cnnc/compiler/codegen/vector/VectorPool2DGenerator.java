package dev.cnnc.compiler.codegen.vector;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.Window;
import dev.cnnc.compiler.codegen.portable.Pool2DGenerator;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.Geometry2D;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Padding;
import dev.cnnc.compiler.ir.Pool2DLayer;
import java.util.function.BinaryOperator;
import javax.lang.model.element.Modifier;

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
        return tilesInput(g);
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
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("int channelsVec = CHANNELS - CHANNELS % L")
                .beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * CHANNELS")
                .add(windowGradient(win, Pool2DGenerator::inLast, "CHANNELS", "", disjoint(g), !tiles(g), relu));
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }

    /**
     * One window's gradient, every channel: {@code o} is the window's output, {@code at(row, column)}
     * a tap's first channel in {@code in}, and in {@code dIn} less {@code shift} (" - shift" or "").
     */
    private static CodeBlock windowGradient(Window win, BinaryOperator<String> at, String channels, String shift,
            boolean store, boolean cleared, boolean relu) {
        CodeBlock.Builder b = CodeBlock.builder()
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
        CodeBlock give = store ? CodeBlock.of("zero.blend(gradient, hit).intoArray(dIn, i$L)", shift)
                : CodeBlock.of("$T.fromArray(S, dIn, i$L).add(gradient, hit).intoArray(dIn, i$L)", VectorTypes.FLOAT_VECTOR,
                        shift, shift);
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = $L + c", at.apply(row, column))
                .addStatement("hit = $T.fromArray(S, in, i).compare($T.EQ, max).and(given.not())", VectorTypes.FLOAT_VECTOR,
                        VectorTypes.OPERATORS)
                .addStatement(give)
                .addStatement("given = given.or(hit)")
                .build()));
        b.endControlFlow()
                .beginControlFlow("for (int c = channelsVec; c < $L; c++)", channels)
                .addStatement("float max = out[o + c]")
                .addStatement("int won = -1")
                .addStatement("int i");
        b.add(win.taps((row, column, tap) -> {
            CodeBlock.Builder t = CodeBlock.builder()
                    .addStatement("i = $L + c", at.apply(row, column))
                    .addStatement("won = won < 0 & in[i] == max ? i : won");
            if (!cleared) {
                t.addStatement("dIn[i$L] = 0f", shift);
            }
            return t.build();
        }));
        return b.add(winner(relu)).addStatement("dIn[won$L] += dOut[o + c]", shift).endControlFlow()
                .endControlFlow().build();
    }

    /**
     * True if the convolution {@code conv} takes over the backward pass of {@code next}, the layer
     * after it ({@code backwardThroughPooling}, {@link VectorKernels#convBackward}): a valid
     * convolution with relu (and no activity penalty) that computes no input gradient (a first
     * layer), then a channels-last max pooling whose windows tile its output. The pooling's own
     * backward pass then runs only for {@code layerOutputGradient}.
     */
    static boolean fusedBackward(Conv2DLayer conv, boolean inputGradient, Layer next) {
        return !inputGradient && conv.geometry().channelsLast() && conv.geometry().padding() == Padding.VALID
                && conv.activation() == Activation.RELU && conv.activityRegularizer() == null
                && next instanceof Pool2DLayer pool && pool.reduction() == Pool2DLayer.Reduction.MAX
                && pool.geometry().channelsLast() && tilesInput(pool.geometry());
    }

    /** {@link #fusedBackward} seen from the pooling at {@code site}. */
    static boolean fusedIntoPrevious(LayerSite site) {
        return site.previous() instanceof Conv2DLayer conv
                && fusedBackward(conv, site.previousComputesInputGradient(), site.layer());
    }

    /**
     * The pooling's constants a fused convolution's class needs (POOL_HEIGHT, POOL_WIDTH,
     * POOLED_WIDTH) and its {@code poolingGradient}: the pooling's backward pass over the windows of
     * output rows r0 .. r1 - 1, into a tile of the convolution's output gradient.
     */
    static TypeSpec.Builder addTileGradient(TypeSpec.Builder t, Pool2DLayer pool) {
        Geometry2D g = pool.geometry();
        t.addField(LayerSite.constant("POOL_HEIGHT", g.kernelHeight()));
        t.addField(LayerSite.constant("POOL_WIDTH", g.kernelWidth()));
        t.addField(LayerSite.constant("POOLED_WIDTH", g.outWidth()));
        Window win = Window.of(g);
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("int channelsVec = FILTERS - FILTERS % L")
                .addStatement("int shift = r0 * OUT_WIDTH * FILTERS")
                .add("// the windows tile the output: pooled row py (across examples) covers rows py * POOL_HEIGHT and on\n")
                .beginControlFlow("for (int py = r0 / POOL_HEIGHT; py < r1 / POOL_HEIGHT; py++)")
                .addStatement("int iy = py * POOL_HEIGHT")
                .beginControlFlow("for (int px = 0; px < POOLED_WIDTH; px++)")
                .addStatement("int ix = px * POOL_WIDTH")
                .addStatement("int o = (py * POOLED_WIDTH + px) * FILTERS")
                .add(windowGradient(win, (row, column) -> "(" + parenthesized(Window.plus("iy", row)) + " * OUT_WIDTH + "
                        + Window.plus("ix", column) + ") * FILTERS", "FILTERS", " - shift", true, false, true))
                .endControlFlow()
                .endControlFlow();
        return t.addMethod(MethodSpec.methodBuilder("poolingGradient").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("$L's backward pass (with this layer's relu) over the windows of output rows {@code r0 .. r1 - 1}\n"
                        + "(across examples; whole windows, TILE_ROWS being a multiple of POOL_HEIGHT): {@code dIn} = this\n"
                        + "layer's output gradient for those rows, from index 0. {@code in} is this layer's output, {@code out}\n"
                        + "the pooling's, {@code dOut} its gradient.\n", pool.name())
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "dOut")
                .addParameter(float[].class, "dIn").addParameter(int.class, "r0").addParameter(int.class, "r1")
                .addCode(b.build()).build());
    }

    /** {@code (iy + 1)}, or {@code iy} as it is. */
    private static String parenthesized(String sum) {
        return sum.contains(" ") ? "(" + sum + ")" : sum;
    }

    /** Windows that tile the input exactly ({@link #tiles}). */
    private static boolean tilesInput(Geometry2D g) {
        return g.padTop() == 0 && g.padBottom() == 0 && g.padLeft() == 0 && g.padRight() == 0
                && g.strideHeight() == g.kernelHeight() && g.strideWidth() == g.kernelWidth()
                && g.outHeight() * g.strideHeight() == g.inHeight() && g.outWidth() * g.strideWidth() == g.inWidth()
                && g.dilationHeight() == 1 && g.dilationWidth() == 1;
    }

    /** A pooling whose backward pass the convolution before it runs: nothing here (a comment). */
    @Override
    public CodeBlock backwardCall(Pool2DLayer l, LayerSite site) {
        if (fusedIntoPrevious(site)) {
            return CodeBlock.of("// $L's backward pass: in $L's backwardThroughPooling\n", l.name(), site.previous().name());
        }
        return super.backwardCall(l, site);
    }

    /** The fused pooling's own backward pass, for {@code layerOutputGradient}. */
    @Override
    public CodeBlock outputGradientCall(Pool2DLayer l, LayerSite site) {
        return fusedIntoPrevious(site) ? super.backwardCall(l, site) : CodeBlock.of("");
    }
}
