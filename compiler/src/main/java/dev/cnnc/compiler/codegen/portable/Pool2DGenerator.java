package dev.cnnc.compiler.codegen.portable;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.codegen.LayerGenerator;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.Window;
import dev.cnnc.compiler.ir.Geometry2D;
import dev.cnnc.compiler.ir.Pool2DLayer;
import dev.cnnc.compiler.ir.Pool2DLayer.Reduction;
import java.util.Arrays;
import javax.lang.model.element.Modifier;

/**
 * 2-D pooling in plain Java. Average pooling: forward sums each window's real cells and divides by
 * their count (with {@code same}, padded cells count neither in the sum nor in the divisor, as
 * TensorFlow's {@code avg_pool}); backward gives each real cell of the window its share,
 * {@code dOut / count}. Max pooling: forward takes the max of each window (Math.max:
 * branch-free, vectorizable; NaN wins); backward sends each output's gradient to the first input of
 * its window, in row-major order, that equals the max: ties go to the first tap; padded cells are
 * skipped, so they never win. Nothing is kept between the passes but the input and output.
 *
 * <p>The Vector API generator extends this one and replaces the channels-last passes.
 */
public class Pool2DGenerator implements LayerGenerator<Pool2DLayer> {

    @Override
    public TypeSpec generate(Pool2DLayer l, LayerSite site) {
        Geometry2D g = l.geometry();
        Window win = Window.of(g);
        boolean average = l.reduction() == Reduction.AVERAGE;
        TypeSpec.Builder t = site.classBuilder(l.reduction().describe() + " of " + g.kernelHeight() + "x" + g.kernelWidth() + " windows, strides ("
                + g.strideHeight() + ", " + g.strideWidth() + "), padding '" + g.padding().keras() + "' "
                + g.describePads() + ", " + g.dataFormat().keras());
        t.addField(LayerSite.constant("IN_HEIGHT", g.inHeight()));
        t.addField(LayerSite.constant("IN_WIDTH", g.inWidth()));
        t.addField(LayerSite.constant("CHANNELS", g.channels()));
        t.addField(LayerSite.constant("OUT_HEIGHT", g.outHeight()));
        t.addField(LayerSite.constant("OUT_WIDTH", g.outWidth()));
        t.addField(LayerSite.constant("POOL_HEIGHT", g.kernelHeight()));
        t.addField(LayerSite.constant("POOL_WIDTH", g.kernelWidth()));
        t.addField(LayerSite.constant("STRIDE_HEIGHT", g.strideHeight()));
        t.addField(LayerSite.constant("STRIDE_WIDTH", g.strideWidth()));
        t.addField(LayerSite.constant("PAD_TOP", g.padTop()));
        t.addField(LayerSite.constant("PAD_BOTTOM", g.padBottom()));
        t.addField(LayerSite.constant("PAD_LEFT", g.padLeft()));
        t.addField(LayerSite.constant("PAD_RIGHT", g.padRight()));
        t.addField(LayerSite.constant("IN_SIZE", l.inputShape().size()));
        t.addField(LayerSite.constant("OUT_SIZE", l.outputShape().size()));
        boolean last = g.channelsLast();
        t.addMethod(MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc(average ? "out = the mean of each window's real (not padded) cells.\n" : "out = the max of each window.\n")
                .addJavadoc("\n<p>in $L, out $L.\n", LayerSite.batch(l.inputShape()), LayerSite.batch(l.outputShape()))
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(int.class, "n")
                .addCode(average ? (last ? averageForwardChannelsLast(t, g, win) : averageForward(g, win)) : last ? forwardChannelsLast(t, win) : forwardChannelsFirst(win))
                .build());
        if (site.computesInputGradient() && average) {
            t.addMethod(MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .addJavadoc("dIn = each output's gradient, shared equally by the real cells of its window.\n")
                    .addParameter(float[].class, "dOut").addParameter(float[].class, "dIn").addParameter(int.class, "n")
                    .addStatement("$T.fill(dIn, 0, n * IN_SIZE, 0f)", Arrays.class)
                    .addCode(last ? averageBackwardChannelsLast(t, g, win) : averageBackward(g, win))
                    .build());
        } else if (site.computesInputGradient()) {
            boolean relu = site.appliesPreviousRelu();
            MethodSpec.Builder backward = MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .addJavadoc("dIn = each output's gradient, sent to the first input of its window (row-major) that "
                            + "equals the max; zero elsewhere.\n")
                    .addJavadoc(relu ? "\n<p>Also the previous layer's relu: no gradient where the max is not positive (the\n"
                            + "model skips that layer's {@code activationBackward}).\n" : "")
                    .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "dOut")
                    .addParameter(float[].class, "dIn").addParameter(int.class, "n");
            if (!(last && tiles(g))) {
                backward.addStatement("$T.fill(dIn, 0, n * IN_SIZE, 0f)", Arrays.class);
            }
            backward.addCode(last ? backwardChannelsLast(t, g, win, relu) : backwardChannelsFirst(win, relu));
            t.addMethod(backward.build());
        }
        return t.build();
    }

    /** Loops over output positions, setting {@code iy} and {@code ix} for the window. */
    protected static CodeBlock.Builder positions(CodeBlock.Builder b) {
        return Conv2DGenerator.positions(b);
    }

    /**
     * {@code float scale = 1f / count}: the reciprocal of the number of real cells of the window at
     * {@code (iy, ix)}; a constant when no window reaches into the padding.
     */
    protected static void averageScale(CodeBlock.Builder b, Geometry2D g) {
        if (g.padTop() == 0 && g.padBottom() == 0 && g.padLeft() == 0 && g.padRight() == 0) {
            b.addStatement("float scale = 1f / (POOL_HEIGHT * POOL_WIDTH)");
        } else {
            b.add("// the window's real cells: padding counts neither in the sum nor in the divisor\n")
                    .addStatement("int rows = Math.min(iy + POOL_HEIGHT, IN_HEIGHT) - Math.max(iy, 0)")
                    .addStatement("int columns = Math.min(ix + POOL_WIDTH, IN_WIDTH) - Math.max(ix, 0)")
                    .addStatement("float scale = 1f / (rows * columns)");
        }
    }

    /**
     * The channels-last average forward pass; {@code type} is the class being built, for generators
     * that need more members.
     */
    protected CodeBlock averageForwardChannelsLast(TypeSpec.Builder type, Geometry2D g, Window win) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * CHANNELS")
                .addStatement("$T.fill(out, o, o + CHANNELS, 0f)", Arrays.class)
                .addStatement("int i");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = $L", inLast(row, column))
                .beginControlFlow("for (int c = 0; c < CHANNELS; c++)")
                .addStatement("out[o + c] += in[i + c]")
                .endControlFlow()
                .build()));
        averageScale(b, g);
        b.beginControlFlow("for (int c = 0; c < CHANNELS; c++)").addStatement("out[o + c] *= scale").endControlFlow();
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }

    private static CodeBlock averageForward(Geometry2D g, Window win) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int c = 0; c < CHANNELS; c++)");
        positions(b).addStatement("float sum = 0f");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("sum += in[$L]", inFirst(row, column))
                .build()));
        averageScale(b, g);
        b.addStatement("out[((b * CHANNELS + c) * OUT_HEIGHT + oy) * OUT_WIDTH + ox] = sum * scale");
        return b.endControlFlow().endControlFlow().endControlFlow().endControlFlow().build();
    }

    /** The channels-last average backward pass, as {@link #averageForwardChannelsLast}. */
    protected CodeBlock averageBackwardChannelsLast(TypeSpec.Builder type, Geometry2D g, Window win) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * CHANNELS");
        averageScale(b, g);
        b.addStatement("int i");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = $L", inLast(row, column))
                .beginControlFlow("for (int c = 0; c < CHANNELS; c++)")
                .addStatement("dIn[i + c] += dOut[o + c] * scale")
                .endControlFlow()
                .build()));
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }

    private static CodeBlock averageBackward(Geometry2D g, Window win) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int c = 0; c < CHANNELS; c++)");
        positions(b);
        averageScale(b, g);
        b.addStatement("float d = dOut[((b * CHANNELS + c) * OUT_HEIGHT + oy) * OUT_WIDTH + ox] * scale");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("dIn[$L] += d", inFirst(row, column))
                .build()));
        return b.endControlFlow().endControlFlow().endControlFlow().endControlFlow().build();
    }

    /** {@code ((b * IN_HEIGHT + iy + row) * IN_WIDTH + ix + column) * CHANNELS}: a tap's first channel, channels-last. */
    protected static String inLast(String row, String column) {
        return "((b * IN_HEIGHT + " + Window.plus("iy", row) + ") * IN_WIDTH + " + Window.plus("ix", column) + ") * CHANNELS";
    }

    private static String inFirst(String row, String column) {
        return "((b * CHANNELS + c) * IN_HEIGHT + " + Window.plus("iy", row) + ") * IN_WIDTH + " + Window.plus("ix", column);
    }

    /**
     * The channels-last max forward pass; {@code type} is the class being built, for generators that
     * need more members.
     */
    protected CodeBlock forwardChannelsLast(TypeSpec.Builder type, Window win) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * CHANNELS")
                .add("// each channel's max over the taps in a local: one store per output, not one per tap\n")
                .add(channelMaxes(win, "0"));
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }

    /** Channels {@code from ..} of output {@code o}, channels-last, each its max over the window in a local. */
    protected static CodeBlock channelMaxes(Window win, String from) {
        CodeBlock.Builder b = CodeBlock.builder()
                .beginControlFlow("for (int c = $L; c < CHANNELS; c++)", from)
                .addStatement("float max = Float.NEGATIVE_INFINITY");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("max = Math.max(max, in[$L + c])", inLast(row, column))
                .build()));
        return b.addStatement("out[o + c] = max").endControlFlow().build();
    }

    /**
     * The channels-last backward pass; {@code type} is the class being built, for generators that
     * need more members.
     */
    protected CodeBlock backwardChannelsLast(TypeSpec.Builder type, Geometry2D g, Window win, boolean relu) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * CHANNELS")
                .beginControlFlow("for (int c = 0; c < CHANNELS; c++)")
                .addStatement("float max = out[o + c]")
                .addStatement("int won = -1")
                .addStatement("int i");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = $L + c", inLast(row, column))
                .add("// '&', not '&&': a select rather than a hard-to-predict branch\n")
                .addStatement("won = won < 0 & in[i] == max ? i : won")
                .build()));
        b.add(winner(relu)).addStatement("dIn[won] += dOut[o + c]").endControlFlow();
        return b.endControlFlow().endControlFlow().endControlFlow().endControlFlow().build();
    }

    /**
     * True if the windows tile the input: each input cell lies in exactly one window (no padding,
     * strides equal to the window, no cell left over). A max pooling backward pass may then write
     * every cell of dIn once instead of clearing it first; the portable one still clears it.
     */
    protected boolean tiles(Geometry2D g) {
        return false;
    }

    private static CodeBlock forwardChannelsFirst(Window win) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int c = 0; c < CHANNELS; c++)");
        positions(b).addStatement("float max = Float.NEGATIVE_INFINITY");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("max = Math.max(max, in[$L])", inFirst(row, column))
                .build()));
        b.addStatement("out[((b * CHANNELS + c) * OUT_HEIGHT + oy) * OUT_WIDTH + ox] = max");
        return b.endControlFlow().endControlFlow().endControlFlow().endControlFlow().build();
    }

    /**
     * Opens {@code if (there is a winner)}: {@code won} is -1 only if the max is NaN; with the
     * previous layer's relu, a max that is not positive takes no gradient either.
     */
    protected static CodeBlock winner(boolean relu) {
        if (relu) {
            return CodeBlock.builder().add("// no winner if the max is NaN; none through the relu if it is not positive\n")
                    .beginControlFlow("if (won >= 0 && max > 0f)").build();
        }
        return CodeBlock.builder().add("// -1 only if the max is NaN\n").beginControlFlow("if (won >= 0)").build();
    }

    private static CodeBlock backwardChannelsFirst(Window win, boolean relu) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int c = 0; c < CHANNELS; c++)");
        positions(b).addStatement("int o = ((b * CHANNELS + c) * OUT_HEIGHT + oy) * OUT_WIDTH + ox")
                .addStatement("float max = out[o]")
                .addStatement("int won = -1")
                .addStatement("int i");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = $L", inFirst(row, column))
                .addStatement("won = won < 0 & in[i] == max ? i : won")
                .build()));
        b.add(winner(relu)).addStatement("dIn[won] += dOut[o]").endControlFlow();
        return b.endControlFlow().endControlFlow().endControlFlow().endControlFlow().build();
    }

    @Override
    public CodeBlock forwardCall(Pool2DLayer l, LayerSite site) {
        return CodeBlock.builder().addStatement("$T.forward($L, $L, n)", site.className(), site.in(), site.out()).build();
    }

    @Override
    public CodeBlock backwardCall(Pool2DLayer l, LayerSite site) {
        if (!site.computesInputGradient()) {
            return CodeBlock.of("");
        }
        if (l.reduction() == Reduction.AVERAGE) {
            return CodeBlock.builder().addStatement("$T.backward($L, $L, n)", site.className(), site.dOut(), site.dIn())
                    .build();
        }
        return CodeBlock.builder().addStatement("$T.backward($L, $L, $L, $L, n)", site.className(), site.in(), site.out(),
                site.dOut(), site.dIn()).build();
    }
}
