package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.LayerContext;
import dev.cnnc.compiler.check.LayerKind;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.codegen.VectorCode;
import dev.cnnc.compiler.codegen.Window;
import dev.cnnc.compiler.check.Signature;
import dev.cnnc.compiler.diag.Span;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Padding;
import dev.cnnc.compiler.ir.Shape;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * {@code MaxPooling2D(pool_size=(2, 2), strides=None, padding='valid', data_format=None)}, alias
 * {@code MaxPool2D}: the maximum of each window; {@code strides=None} means {@code pool_size}.
 * Output sizes follow the convolution formulas (floor with {@code valid}); with {@code same}, padded
 * cells never win the maximum.
 */
public final class MaxPooling2D implements Layer {

    public static final LayerKind KIND = new LayerKind("MaxPooling2D", List.of("MaxPool2D"),
            Signature.of("MaxPooling2D").optional("pool_size", "strides", "padding", "data_format").build(),
            MaxPooling2D::build);

    private final String name;
    private final Span span;
    private final Shape input;
    private final Shape output;
    private final int[] pool;
    private final int[] strides;
    private final Padding padding;
    private final DataFormat dataFormat;

    private MaxPooling2D(LayerContext ctx, Shape output, int[] pool, int[] strides, Padding padding,
            DataFormat dataFormat) {
        this.name = ctx.name();
        this.span = ctx.span();
        this.input = ctx.input();
        this.output = output;
        this.pool = pool;
        this.strides = strides;
        this.padding = padding;
        this.dataFormat = dataFormat;
    }

    static Layer build(LayerContext ctx) {
        Args a = ctx.args();
        int[] pool = a.intPair("pool_size", new int[] {2, 2});
        int[] strides = a.intPairOrNone("strides");
        if (strides == null) {
            strides = pool;
        }
        Padding padding = a.padding("padding");
        DataFormat format = a.dataFormat("data_format");
        Shape in = ctx.input();
        if (!a.ok("pool_size", "strides", "padding", "data_format") || in == null) {
            return null;
        }
        if (in.rank() != 3) {
            ctx.error("MaxPooling2D needs an input of 3 dimensions (height, width, channels), but its input is flat ("
                    + in + " values)");
            return null;
        }
        long outH = padding.outputLength(format.height(in), pool[0], strides[0], 1);
        long outW = padding.outputLength(format.width(in), pool[1], strides[1], 1);
        if (outH < 1 || outW < 1) {
            ctx.error("MaxPooling2D output would be " + Math.max(0, outH) + "x" + Math.max(0, outW) + ": pool " + pool[0]
                    + "x" + pool[1] + " on " + in + " with padding '" + padding.keras() + "'");
            return null;
        }
        return new MaxPooling2D(ctx, format.shape((int) outH, (int) outW, format.channels(in)), pool, strides, padding,
                format);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kerasClass() {
        return "MaxPooling2D";
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
        return output;
    }

    public int[] poolSize() {
        return pool.clone();
    }

    public int[] strides() {
        return strides.clone();
    }

    public Padding padding() {
        return padding;
    }

    public DataFormat dataFormat() {
        return dataFormat;
    }

    public int padTop() {
        return padding.padBefore(dataFormat.height(input), pool[0], strides[0], 1);
    }

    public int padBottom() {
        return padding.padAfter(dataFormat.height(input), pool[0], strides[0], 1);
    }

    public int padLeft() {
        return padding.padBefore(dataFormat.width(input), pool[1], strides[1], 1);
    }

    public int padRight() {
        return padding.padAfter(dataFormat.width(input), pool[1], strides[1], 1);
    }

    @Override
    public long parameterCount() {
        return 0;
    }

    /** Pooling multiplies nothing; its comparisons are not counted. */
    @Override
    public long multiplyAdds() {
        return 0;
    }

    // ---------------------------------------------------------------------------------------------
    // Generated code. Forward takes the max of each window (Math.max: branch-free, vectorizable; NaN
    // wins). Backward sends each output's gradient to the first input of its window, in row-major
    // order, that equals the max: ties go to the first tap; padded cells are skipped, so they never
    // win. Nothing is kept between the passes but the input and output themselves.

    @Override
    public TypeSpec generate(LayerSite g) {
        int h = dataFormat.height(input);
        int w = dataFormat.width(input);
        Window win = new Window(pool[0], pool[1], 1, 1, strides[0], strides[1], padTop(), padLeft(), h, w,
                dataFormat.height(output), dataFormat.width(output));
        TypeSpec.Builder t = g.classBuilder("max of " + pool[0] + "x" + pool[1] + " windows, strides (" + strides[0] + ", "
                + strides[1] + "), padding '" + padding.keras() + "' (" + padTop() + ", " + padBottom() + ", " + padLeft()
                + ", " + padRight() + ") (top, bottom, left, right), " + dataFormat.keras());
        t.addField(LayerSite.constant("IN_HEIGHT", h));
        t.addField(LayerSite.constant("IN_WIDTH", w));
        t.addField(LayerSite.constant("CHANNELS", dataFormat.channels(input)));
        t.addField(LayerSite.constant("OUT_HEIGHT", win.outHeight()));
        t.addField(LayerSite.constant("OUT_WIDTH", win.outWidth()));
        t.addField(LayerSite.constant("POOL_HEIGHT", pool[0]));
        t.addField(LayerSite.constant("POOL_WIDTH", pool[1]));
        t.addField(LayerSite.constant("STRIDE_HEIGHT", strides[0]));
        t.addField(LayerSite.constant("STRIDE_WIDTH", strides[1]));
        t.addField(LayerSite.constant("PAD_TOP", padTop()));
        t.addField(LayerSite.constant("PAD_BOTTOM", padBottom()));
        t.addField(LayerSite.constant("PAD_LEFT", padLeft()));
        t.addField(LayerSite.constant("PAD_RIGHT", padRight()));
        t.addField(LayerSite.constant("IN_SIZE", input.size()));
        t.addField(LayerSite.constant("OUT_SIZE", output.size()));
        boolean last = dataFormat == DataFormat.CHANNELS_LAST;
        t.addMethod(MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("out = the max of each window.\n")
                .addJavadoc("\n<p>in $L, out $L.\n", LayerSite.batch(input), LayerSite.batch(output))
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(int.class, "n")
                .addCode(last ? forwardChannelsLast(win) : forwardChannelsFirst(win))
                .build());
        boolean vector = g.vector() && last;
        if (vector) {
            t.addFields(VectorCode.constants("CHANNELS"));
        }
        if (g.computesInputGradient()) {
            MethodSpec.Builder backward = MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .addJavadoc("dIn = each output's gradient, sent to the first input of its window (row-major) that "
                            + "equals the max; zero elsewhere.\n")
                    .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "dOut")
                    .addParameter(float[].class, "dIn").addParameter(int.class, "n")
                    .addStatement("$T.fill(dIn, 0, n * IN_SIZE, 0f)", Arrays.class)
                    .addCode(vector ? backwardVector(win) : last ? backwardChannelsLast(win) : backwardChannelsFirst(win));
            t.addMethod(backward.build());
        }
        return t.build();
    }

    private static CodeBlock.Builder positions(CodeBlock.Builder b) {
        return b.beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .addStatement("int iy = oy * STRIDE_HEIGHT - PAD_TOP")
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("int ix = ox * STRIDE_WIDTH - PAD_LEFT");
    }

    private static String inLast(String row, String column) {
        return "((b * IN_HEIGHT + " + Window.plus("iy", row) + ") * IN_WIDTH + " + Window.plus("ix", column) + ") * CHANNELS";
    }

    private static String inFirst(String row, String column) {
        return "((b * CHANNELS + c) * IN_HEIGHT + " + Window.plus("iy", row) + ") * IN_WIDTH + " + Window.plus("ix", column);
    }

    private static CodeBlock forwardChannelsLast(Window win) {
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * CHANNELS")
                .addStatement("$T.fill(out, o, o + CHANNELS, Float.NEGATIVE_INFINITY)", Arrays.class)
                .addStatement("int i");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = $L", inLast(row, column))
                .beginControlFlow("for (int c = 0; c < CHANNELS; c++)")
                .addStatement("out[o + c] = Math.max(out[o + c], in[i + c])")
                .endControlFlow()
                .build()));
        return b.endControlFlow().endControlFlow().endControlFlow().build();
    }

    private static CodeBlock backwardChannelsLast(Window win) {
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
        b.beginControlFlow("if (won >= 0)")
                .add("// -1 only if the max is NaN\n")
                .addStatement("dIn[won] += dOut[o + c]")
                .endControlFlow();
        return b.endControlFlow().endControlFlow().endControlFlow().endControlFlow().build();
    }

    /**
     * The Vector API variant: a vector of channels at a time, a mask of the channels whose gradient
     * is already given; each tap takes the gradient where its input equals the max and the mask is
     * clear. Channels beyond the last whole vector go one at a time.
     */
    private static CodeBlock backwardVector(Window win) {
        ClassName floatVector = ClassName.get("jdk.incubator.vector", "FloatVector");
        ClassName operators = ClassName.get("jdk.incubator.vector", "VectorOperators");
        TypeName mask = ParameterizedTypeName.get(ClassName.get("jdk.incubator.vector", "VectorMask"),
                ClassName.get(Float.class));
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("int channelsVec = CHANNELS - CHANNELS % L")
                .beginControlFlow("for (int b = 0; b < n; b++)");
        positions(b).addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * CHANNELS")
                .beginControlFlow("for (int c = 0; c < channelsVec; c += L)")
                .addStatement("$T max = $T.fromArray(S, out, o + c)", floatVector, floatVector)
                .addStatement("$T gradient = $T.fromArray(S, dOut, o + c)", floatVector, floatVector)
                .add("// a NaN max takes no gradient\n")
                .addStatement("$T given = max.compare($T.NE, max)", mask, operators)
                .addStatement("$T hit", mask)
                .addStatement("int i");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = $L + c", inLast(row, column))
                .addStatement("hit = $T.fromArray(S, in, i).compare($T.EQ, max).and(given.not())", floatVector, operators)
                .addStatement("$T.fromArray(S, dIn, i).add(gradient, hit).intoArray(dIn, i)", floatVector)
                .addStatement("given = given.or(hit)")
                .build()));
        b.endControlFlow()
                .beginControlFlow("for (int c = channelsVec; c < CHANNELS; c++)")
                .addStatement("float max = out[o + c]")
                .addStatement("int won = -1")
                .addStatement("int i");
        b.add(win.taps((row, column, tap) -> CodeBlock.builder()
                .addStatement("i = $L + c", inLast(row, column))
                .addStatement("won = won < 0 & in[i] == max ? i : won")
                .build()));
        b.beginControlFlow("if (won >= 0)")
                .addStatement("dIn[won] += dOut[o + c]")
                .endControlFlow()
                .endControlFlow();
        return b.endControlFlow().endControlFlow().endControlFlow().build();
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

    private static CodeBlock backwardChannelsFirst(Window win) {
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
        b.beginControlFlow("if (won >= 0)")
                .add("// -1 only if the max is NaN\n")
                .addStatement("dIn[won] += dOut[o]")
                .endControlFlow();
        return b.endControlFlow().endControlFlow().endControlFlow().endControlFlow().build();
    }

    @Override
    public CodeBlock forwardCall(LayerSite g) {
        return CodeBlock.builder().addStatement("$T.forward($L, $L, n)", g.className(), g.in(), g.out()).build();
    }

    @Override
    public CodeBlock backwardCall(LayerSite g) {
        if (!g.computesInputGradient()) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder().addStatement("$T.backward($L, $L, $L, $L, n)", g.className(), g.in(), g.out(), g.dOut(),
                g.dIn()).build();
    }
}
