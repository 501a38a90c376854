package dev.cnnc.compiler.codegen.vector;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The Vector API variant of the convolution and dense kernels ({@code jdk.incubator.vector}, opt-in
 * with {@code CnnCompiler.Options.vector}). Register-blocked: a convolution's forward pass
 * accumulates {@link #BLOCK} output pixels by 4 vectors of channels (with 32 registers) or
 * {@link #BLOCK16} by 2 (with 16) in registers over every tap and input channel, so that each loaded
 * weight serves 6 or 5 pixels and each loaded input 4 or 2 vectors (the class holds both shapes and
 * {@code WIDE} chooses); its input gradient {@link #GRADIENT_BLOCK} or {@link #GRADIENT_BLOCK16} pixels by 2
 * vectors of taps and channels; its kernel gradient runs in L1-sized tiles of output rows (the bias
 * gradient summed tile by tile beside it), 6 then 4 input channels (or a first layer's blocks of up to
 * {@link #TAP_ROWS} or {@link #TAP_ROWS16} kernel rows) by 4 or 2 vectors of filters, the blocks of 4
 * two output columns per step. A dense layer takes blocks of 4 examples by 2 vectors of units, forward and in
 * its input gradient.
 *
 * <p>Vectors cover the output channels up to {@code F_VEC}, the largest multiple of two vector
 * lengths ({@code F_VEC4} of four); the remaining channels (if any) run as scalar loops. No cross-lane reduction is used:
 * results are the same on every JVM and every run, interpreted or compiled.
 *
 * <p>A convolution is described by its constants, which the layer class defines: {@code IN_HEIGHT,
 * IN_WIDTH, IN_CHANNELS, OUT_HEIGHT, OUT_WIDTH, FILTERS, KERNEL_HEIGHT, KERNEL_WIDTH, STRIDE_*,
 * DILATION_*, PAD_TOP, PAD_LEFT, IN_SIZE, OUT_SIZE} (channels-last). A dense layer is a 1x1
 * convolution over a 1x1 image whose pixels are the examples.
 */
final class VectorKernels {
    private static final ClassName FLOAT_VECTOR = VectorTypes.FLOAT_VECTOR;
    private static final TypeName FLOAT_SPECIES = VectorTypes.FLOAT_SPECIES;
    private static final ClassName VECTOR_SUPPORT = ClassName.get(dev.cnnc.runtime.VectorSupport.class);

    /**
     * Output pixels per register block of a convolution's forward pass: 6 pixels by 4 vectors of
     * filters (24 accumulators) with 32 registers, 6 by 2 (12) with AVX2's 16. Each kernel vector
     * loaded then serves 6 pixels: a kernel larger than the L1 cache (conv 3x3, 32 -> 64 is 72 KB) is
     * streamed from L2 once per block, so fewer pixels per block would leave the FMA units waiting.
     */
    static final int BLOCK = 6;

    /**
     * Output widths from which the 16 accumulators of a kernel gradient on 32 registers take two
     * columns per step: below it the steps of a row are so few that C2 unrolls them whole and spills
     * (3x3 from 5x5x64 to 64 filters, AVX-512: 222 us per 16 images by single columns, 315 by pairs;
     * 11 columns wide: 97 -> 105 GFLOP/s by pairs).
     */
    static final int WIDE_PAIRS = 4;

    /**
     * Output pixels per register block with 16 vector registers (AVX2): 5 pixels by 2 vectors of
     * filters, 10 accumulators, 2 kernel vectors and the broadcast input. 6 by 2 needs 15 of the 16
     * and C2 then keeps two accumulators on the stack (3x3 convolution from 32 channels to 64, AVX2:
     * 44 GFLOP/s with 6, 77 with 5, 67 with 4, of a one-thread peak of 109).
     */
    static final int BLOCK16 = 5;

    /**
     * Output pixels per forward block of a layer with fewer than 4 input channels (a first layer) with
     * 16 registers: 2 pixels by 4 vectors of filters (8 accumulators, 4 kernel vectors, the broadcast).
     * With 5 by 2 the filters took two trips through the block, and C2 hoisted the 21 inputs the taps
     * broadcast (the same in both trips) out of that loop, spilled them and ran each accumulator's 9
     * multiply-adds back to back: 3x3 from one channel to 32 on 26x26, one image, AVX2: 7.7-8.8 us,
     * 6.0-6.7 in pairs. (With 32 registers, 6 by 2 or 4 as {@link #BLOCK}.)
     */
    static final int PAIR16 = 2;

    /**
     * Output pixels per register block of a convolution's input gradient with 32 registers: 12 pixels
     * by 2 vectors of the row (24 accumulators). Each vector of the transposed kernel loaded serves 12
     * pixels, twice as many as 6 by 4 would, so the kernel, larger than the L1 cache (3x3 from 32
     * channels to 64: 72 KB), is streamed from L2 half as often (that input gradient, AVX-512: 535 -> 472
     * us per 16 images; the kernel in strips of 2 vectors, below, gave 535 -> 514 of it).
     */
    static final int GRADIENT_BLOCK = 12;

    /**
     * {@link #GRADIENT_BLOCK} with 16 registers: 6 pixels by 2 vectors (12 accumulators, the row's 2
     * vectors, the broadcast; 5 by 2 before: MNIST's conv2d_2 backward pass in training, AVX2, 1,823-1,957
     * -> 1,787-1,923 us per 16 images, conv2d_3 322-345 -> 313-329).
     */
    static final int GRADIENT_BLOCK16 = 6;

    /**
     * Products per output value under which a convolution's forward pass with 32 registers runs its
     * blocks within rows (see {@link #convForward}): the per-pixel window arithmetic of blocks across
     * rows costs about as much as a block of 9 products; with 288 (3x3 from 32 channels), blocks within
     * rows are no faster, and their last, shorter blocks reuse each kernel vector for fewer pixels.
     */
    static final int SHORT_WINDOW = 64;

    private VectorKernels() {}

    /** {@code S}, {@code L}, {@code F_VEC}, {@code WIDE} and {@code F_VEC4} for a layer with {@code channels} output channels. */
    static List<FieldSpec> constants(String channels) {
        return constants(channels, false);
    }

    /**
     * {@link #constants(String)}; with {@code fourOnSixteen}, F_VEC4 is not 0 with 16 registers either
     * (a layer with fewer than 4 input channels: forward blocks of {@link #PAIR16} pixels by 4 vectors).
     */
    static List<FieldSpec> constants(String channels, boolean fourOnSixteen) {
        List<FieldSpec> fields = new java.util.ArrayList<>(species());
        fields.addAll(List.of(
                FieldSpec.builder(int.class, "F_VEC", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("$L - $L % (2 * L)", channels, channels)
                        .addJavadoc("Output channels computed with vectors; the rest are scalar.\n").build(),
                FieldSpec.builder(boolean.class, "WIDE", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("$T.wideRegisterFile(S.vectorBitSize())", VECTOR_SUPPORT)
                        .addJavadoc("32 vector registers (AVX-512, AArch64): room for 16 accumulators.\n").build(),
                fourOnSixteen
                        ? FieldSpec.builder(int.class, "F_VEC4", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                                .initializer("$L - $L % (4 * L)", channels, channels)
                                .addJavadoc("Output channels done 4 vectors at a time (with 16 registers in blocks of 2 pixels).\n")
                                .build()
                        : FieldSpec.builder(int.class, "F_VEC4", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                                .initializer("WIDE ? $L - $L % (4 * L) : 0", channels, channels)
                                .addJavadoc("Output channels done 4 vectors at a time where registers allow.\n").build()));
        return fields;
    }

    /**
     * True if {@code filters} leave at least one whole vector beyond the blocks of 2 vectors on some
     * vector width (128, 256 or 512 bits): 16 or 48 filters on AVX-512, 8 or 24 on AVX2. Such layers get
     * blocks of one vector ({@code narrow6}, {@code kernelGradientNarrowN}) for filters
     * {@code F_VEC .. F_VEC1 - 1}; others do not carry the code.
     */
    static boolean narrow(int filters) {
        return filters % 8 >= 4 || filters % 16 >= 8 || filters % 32 >= 16;
    }

    /** {@code F_VEC1}: the filters computed with vectors, the last ones a single vector at a time. */
    static FieldSpec narrowConstant(String channels) {
        return FieldSpec.builder(int.class, "F_VEC1", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("$L - $L % L", channels, channels)
                .addJavadoc("Output channels computed with vectors: from F_VEC on, one vector at a time.\n").build();
    }

    /**
     * {@code pad(from, at, to, toAt, rows, cols, top, left, bottom, right)}: an image of IN_CHANNELS copied
     * inside zero borders, writing only the borders and the copy (the padded convolutions' input, the
     * depthwise passes' input and output gradient).
     */
    static MethodSpec padMethod() {
        return MethodSpec.methodBuilder("pad").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("to[toAt ..] = the rows x cols pixels of IN_CHANNELS at from[at ..] inside zero borders of "
                        + "top, left,\nbottom and right pixels (only the borders and the copy are written).\n")
                .addParameter(float[].class, "from").addParameter(int.class, "at").addParameter(float[].class, "to")
                .addParameter(int.class, "toAt").addParameter(int.class, "rows").addParameter(int.class, "cols")
                .addParameter(int.class, "top").addParameter(int.class, "left").addParameter(int.class, "bottom")
                .addParameter(int.class, "right")
                .addStatement("int width = (left + cols + right) * IN_CHANNELS")
                .addStatement("$T.fill(to, toAt, toAt + top * width, 0f)", Arrays.class)
                .addStatement("int o = toAt + top * width")
                .beginControlFlow("for (int y = 0; y < rows; y++, o += width)")
                .addStatement("$T.fill(to, o, o + left * IN_CHANNELS, 0f)", Arrays.class)
                .addStatement("$T.arraycopy(from, at + y * cols * IN_CHANNELS, to, o + left * IN_CHANNELS, "
                        + "cols * IN_CHANNELS)", System.class)
                .addStatement("$T.fill(to, o + (left + cols) * IN_CHANNELS, o + width, 0f)", Arrays.class)
                .endControlFlow()
                .addStatement("$T.fill(to, o, o + bottom * width, 0f)", Arrays.class)
                .build();
    }

    /** {@code S} and {@code L}: the species and its length, for a class of elementwise vector loops. */
    static List<FieldSpec> species() {
        return List.of(
                FieldSpec.builder(FLOAT_SPECIES, "S", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("$T.VECTOR_BITS == 0 ? $T.SPECIES_PREFERRED$W: $T.SPECIES_PREFERRED.withShape($T.forBitSize($T.VECTOR_BITS))",
                                VECTOR_SUPPORT, FLOAT_VECTOR, FLOAT_VECTOR, VectorTypes.VECTOR_SHAPE, VECTOR_SUPPORT)
                        .addJavadoc("The widest vectors of this machine (or -Dcnnc.vector.bits=N). One width for every layer:\n"
                                + "on Java 17 a second width in the same JVM makes the Vector API's shared methods polymorphic\n"
                                + "and every layer several times slower.\n").build(),
                FieldSpec.builder(int.class, "L", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("S.length()").addJavadoc("Floats per vector.\n").build());
    }

    // ---------------------------------------------------------------------------------------------
    // Convolution, channels-last

    /**
     * {@code forward} of a valid convolution (every window inside the input; a padded one is the valid
     * convolution of its padded input): vector blocks of output pixels ({@link #BLOCK} with 32
     * registers, {@link #BLOCK16} with 16), scalar tail channels, then the activation. Blocks of
     * consecutive pixels across rows and examples ({@link Line#ACROSS}) find each pixel's window on its
     * own (single pixels for the last few); blocks within a row ({@link Line#ROW}) have their inputs at
     * constant distances from the block's first window, which saves an address computation per pixel
     * and product step, and end each row with a block of its last {@code outWidth % block} pixels.
     * With 32 registers, rows run row by row only where a window holds few products (under {@link
     * #SHORT_WINDOW} taps times input channels: a first layer's, 3x3 from one channel to 32: 1.9 times
     * faster); with 16 registers, C2's code of a step issues more instructions than the FMA units need
     * cycles (see {@link #BLOCK16}), so every output at least a block wide runs in rows, and with a long
     * window a short rest ({@code 2 * rest < BLOCK16}: an 11-wide output's last column) runs down its
     * columns in blocks of {@link Line#COLUMN} instead of single pixels (3x3 from 32 channels to 64 on
     * 11x11, AVX2: 1,000 -> 790 us per 16 images).
     *
     * @param activation an activation to apply after the convolution ({@code activate(out, n)}), if any
     * @param relu a relu applied as each block is stored (no pass of its own)
     * @param outHeight the output's height
     * @param outWidth the output's width
     * @param window taps times input channels: the products each output value sums
     */
    static List<MethodSpec> convForward(boolean bias, boolean activation, boolean relu, boolean narrow, int outHeight,
            int outWidth, int window, String doc) {
        return convForward(bias, activation, relu, narrow, outHeight, outWidth, window, doc, false);
    }

    /** {@link #convForward}; {@code fewChannels}: fewer than 4 input channels, blocks of {@link #PAIR16} with 16 registers. */
    static List<MethodSpec> convForward(boolean bias, boolean activation, boolean relu, boolean narrow, int outHeight,
            int outWidth, int window, String doc, boolean fewChannels) {
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc(doc)
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "kernel");
        if (bias) {
            forward.addParameter(float[].class, "bias");
        }
        String b = bias ? "bias" : "null";
        forward.addParameter(int.class, "n");
        java.util.Set<Block> blocks = new java.util.TreeSet<>();
        forward.beginControlFlow("if (WIDE)");
        boolean across = !forwardBlocks(forward, BLOCK, outWidth >= BLOCK && window < SHORT_WINDOW, outHeight, outWidth, window, b,
                narrow, blocks);
        forward.nextControlFlow("else");
        int block16 = fewChannels ? PAIR16 : BLOCK16;
        across |= !forwardBlocks(forward, block16, outWidth >= block16, outHeight, outWidth, window, b, narrow, blocks);
        forward.endControlFlow();
        if (activation) {
            forward.addStatement("activate(out, n)");
        }
        List<MethodSpec> methods = new java.util.ArrayList<>(List.of(forward.build()));
        for (Block block : blocks) {
            methods.add(convPixels(block.count, relu, narrow, block.line));
            if (narrow) {
                methods.add(convNarrow(block.count, relu, block.line));
            }
        }
        if (across) {
            methods.add(convPixels(relu));
        }
        methods.addAll(List.of(windowIndex(), convTail(relu, narrow)));
        return methods;
    }

    /**
     * How a block's pixels lie: consecutive pixels across rows and examples, each finding its own
     * window ({@code pixelsN}); along one row ({@code rowN}); or down one column ({@code colN}), the
     * last two from the first pixel's window {@code i}.
     */
    enum Line {
        ACROSS("pixels", "counted across rows and examples; windows inside the input", null, "FILTERS", "1"),
        ROW("row", "in one row, the first one's window at input {@code i}", "STRIDE_WIDTH * IN_CHANNELS", "FILTERS", "1"),
        COLUMN("col", "down one column (pixel q at {@code p + q * OUT_WIDTH}), the first one's window at input {@code i}",
                "STRIDE_HEIGHT * IN_WIDTH * IN_CHANNELS", "OUT_WIDTH * FILTERS", "OUT_WIDTH");

        final String prefix;
        final String doc;
        /** The input distance between neighbouring pixels' windows (null across rows: each finds its own). */
        final String inputStep;
        /** The output distance between neighbouring pixels. */
        final String outputStep;
        /** The pixel-number distance between neighbouring pixels. */
        final String pixelStep;

        Line(String prefix, String doc, String inputStep, String outputStep, String pixelStep) {
            this.prefix = prefix;
            this.doc = doc;
            this.inputStep = inputStep;
            this.outputStep = outputStep;
            this.pixelStep = pixelStep;
        }

        String name(int count) {
            return prefix + count;
        }

        String narrowName(int count) {
            return this == ACROSS ? "narrow" + count : "narrow" + Character.toUpperCase(prefix.charAt(0)) + prefix.substring(1)
                    + count;
        }

        /** {@code step} times {@code q}: pixel q's offset from the first ({@code ""} for q = 0). */
        static String times(int q, String step) {
            return q == 0 ? "" : " + " + (q == 1 ? "" : q + " * ") + step;
        }
    }

    /** A block method: {@code count} pixels along {@code line}. */
    record Block(Line line, int count) implements Comparable<Block> {
        @Override
        public int compareTo(Block o) {
            return line != o.line ? line.compareTo(o.line) : Integer.compare(o.count, count);
        }
    }

    /**
     * The forward pass's calls of blocks of {@code block} pixels for one register file: in rows (if
     * {@code inRows}) or across rows, adding the block methods used to {@code blocks}; whether in rows.
     */
    private static boolean forwardBlocks(MethodSpec.Builder forward, int block, boolean inRows, int outHeight, int outWidth,
            int window, String bias, boolean narrow, java.util.Set<Block> blocks) {
        if (!inRows) {
            forward.addStatement("int pixels = n * OUT_HEIGHT * OUT_WIDTH")
                    .addStatement("int p = 0")
                    .beginControlFlow("for (; p + $L <= pixels; p += $L)", block, block)
                    .addStatement("pixels$L(in, out, kernel, $L, p)", block, bias);
            if (narrow) {
                forward.addStatement("narrow$L(in, out, kernel, $L, p)", block, bias);
            }
            forward.endControlFlow()
                    .addComment("the last pixels: one more block ending at the last pixel, over pixels already done (the same values")
                    .addComment("again), where there are as many as a block; else one at a time")
                    .beginControlFlow("if (p < pixels && pixels >= $L)", block)
                    .addStatement("pixels$L(in, out, kernel, $L, pixels - $L)", block, bias, block);
            if (narrow) {
                forward.addStatement("narrow$L(in, out, kernel, $L, pixels - $L)", block, bias, block);
            }
            forward.addStatement("p = pixels")
                    .endControlFlow()
                    .beginControlFlow("for (; p < pixels; p++)")
                    .addStatement("pixels1(in, out, kernel, $L, p / (OUT_HEIGHT * OUT_WIDTH), p / OUT_WIDTH % OUT_HEIGHT, "
                            + "p % OUT_WIDTH)", bias)
                    .endControlFlow();
            blocks.add(new Block(Line.ACROSS, block));
            return false;
        }
        int rest = outWidth % block;
        // (a first layer's short windows run faster in rows: 3x3 from one channel, 26 wide: 80 us per 16
        // images in rows of 6 and a block of 2 against 88 with 2 columns in blocks of 6, AVX-512)
        boolean columns = rest > 0 && 2 * rest < block && outHeight >= block && window >= SHORT_WINDOW;
        forward.addStatement("int rows = n * OUT_HEIGHT")
                .beginControlFlow("for (int r = 0; r < rows; r++)")
                .addStatement("int b = r / OUT_HEIGHT")
                .addStatement("int y = r - b * OUT_HEIGHT")
                .addStatement("int i = ((b * IN_HEIGHT + y * STRIDE_HEIGHT - PAD_TOP) * IN_WIDTH - PAD_LEFT) * IN_CHANNELS")
                .addStatement("int p = r * OUT_WIDTH")
                .beginControlFlow("for (int ox = 0; ox + $L <= OUT_WIDTH$L; ox += $L)", block, columns ? " - " + rest : "", block);
        blockCalls(forward, Line.ROW, block, bias, "ox", "ox", narrow);
        forward.endControlFlow();
        blocks.add(new Block(Line.ROW, block));
        if (columns) {
            String ox = rest == 1 ? "(OUT_WIDTH - 1)" : "(OUT_WIDTH - " + rest + " + x)";
            String column = rest == 1 ? "OUT_WIDTH - 1" : "OUT_WIDTH - " + rest + " + x";
            forward.addComment("$L, in blocks of $L rows", rest == 1 ? "the last column" : "each of the last " + rest + " columns", block)
                    .beginControlFlow("if (y % $L == 0 && y + $L <= OUT_HEIGHT)", block, block);
            if (rest > 1) {
                forward.beginControlFlow("for (int x = 0; x < $L; x++)", rest);
            }
            blockCalls(forward, Line.COLUMN, block, bias, ox, column, narrow);
            if (rest > 1) {
                forward.endControlFlow();
            }
            forward.nextControlFlow("else if (y >= OUT_HEIGHT / $L * $L)", block, block);
            blocks.add(new Block(Line.COLUMN, block));
        }
        if (rest > 0) {
            if (!columns) {
                forward.addComment("the row's last $L", rest == 1 ? "pixel" : rest + " pixels");
            }
            blockCalls(forward, Line.ROW, rest, bias, "(OUT_WIDTH - " + rest + ")", "OUT_WIDTH - " + rest, narrow);
            blocks.add(new Block(Line.ROW, rest));
        }
        if (columns) {
            forward.endControlFlow();
        }
        forward.endControlFlow();
        return true;
    }

    /**
     * The calls of {@code rowN} or {@code colN} (and their narrow methods) for {@code count} pixels of row r
     * from column {@code ox} (written {@code column} where it stands alone).
     */
    private static void blockCalls(MethodSpec.Builder forward, Line line, int count, String bias, String ox, String column,
            boolean narrow) {
        forward.addStatement("$L(in, out, kernel, $L, i + $L * STRIDE_WIDTH * IN_CHANNELS, p + $L)", line.name(count), bias, ox,
                column);
        if (narrow) {
            forward.addStatement("$L(in, out, kernel, $L, i + $L * STRIDE_WIDTH * IN_CHANNELS, p + $L)", line.narrowName(count),
                    bias, ox, column);
        }
    }

    /**
     * {@code pixelsN(in, out, kernel, bias, p)}: output pixels {@code p .. p + count - 1} in
     * example-row-column order, which may span rows and examples; or {@code rowN(in, out, kernel, bias,
     * i, p)} and {@code colN(...)}: pixels along one row or down one column, the first one's window at
     * input {@code i}. Every window lies inside the input.
     */
    private static MethodSpec convPixels(int count, boolean relu, boolean narrow, Line line) {
        MethodSpec.Builder m = blockHeader(line.name(count), CodeBlock.of("Output pixels {@code p .. p + $L}, " + line.doc + ".\n",
                count - 1), count, line);
        m.addComment("4 vectors of filters at a time where the registers allow, then 2");
        filterBlock(m, count, 4, "0", "F_VEC4", relu, line);
        filterBlock(m, count, 2, "F_VEC4", "F_VEC", relu, line);
        m.addComment("channels beyond $L, one pixel at a time", narrow ? "F_VEC1 (" + line.narrowName(count) + ")" : "F_VEC")
                .beginControlFlow("if ($L < FILTERS)", narrow ? "F_VEC1" : "F_VEC")
                .beginControlFlow("for (int q = 0; q < $L; q++)", count)
                .addStatement("tail(in, out, kernel, bias, p + q$L)", line.pixelStep.equals("1") ? "" : " * " + line.pixelStep)
                .endControlFlow()
                .endControlFlow();
        return m.build();
    }

    /** {@code narrowN}, {@code narrowRowN} or {@code narrowColN}: filters {@code F_VEC .. F_VEC1 - 1} of {@link #convPixels}'s pixels, one vector at a time. */
    private static MethodSpec convNarrow(int count, boolean relu, Line line) {
        MethodSpec.Builder m = blockHeader(line.narrowName(count), CodeBlock.of("Filters {@code F_VEC .. F_VEC1 - 1} "
                + "of output pixels {@code p .. p + $L}, one vector at a time.\n", count - 1), count, line);
        filterBlock(m, count, 1, "F_VEC", "F_VEC1", relu, line);
        return m.build();
    }

    /**
     * The header of a method over {@code count} pixels from {@code p}: its parameters, o, and each pixel's
     * window (across rows) or the first one's, {@code i} (in a row or column).
     */
    private static MethodSpec.Builder blockHeader(String name, CodeBlock doc, int count, Line line) {
        MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.STATIC).addJavadoc(doc)
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "kernel")
                .addParameter(float[].class, "bias");
        if (line != Line.ACROSS) {
            m.addParameter(int.class, "i");
        }
        m.addParameter(int.class, "p");
        for (int q = 0; line == Line.ACROSS && q < count; q++) {
            m.addStatement("int i$L = window(p + $L)", q, q);
        }
        return m.addStatement("int o = p * FILTERS");
    }

    /**
     * The loop over filters {@code [from, to)} of {@link #convPixels}, {@code vectors} at a time: pixel q's
     * input at {@code i(q) + t + c} (across rows), or at {@code t + c + q * }the line's input step from
     * {@code t = i + }the tap's offset (in a row or column).
     */
    private static void filterBlock(MethodSpec.Builder m, int count, int vectors, String from, String to,
            boolean relu, Line line) {
        m.beginControlFlow("for (int f = $L; f < $L; f += $L)", from, to, vectors == 1 ? "L" : vectors + " * L");
        biasVectors(m, vectors);
        m.addStatement("$T $L", FLOAT_VECTOR, accumulators(count, vectors, "z"))
                .beginControlFlow("for (int ky = 0; ky < KERNEL_HEIGHT; ky++)")
                .beginControlFlow("for (int kx = 0; kx < KERNEL_WIDTH; kx++)")
                .addStatement("int t = $L(ky * DILATION_HEIGHT * IN_WIDTH + kx * DILATION_WIDTH) * IN_CHANNELS",
                        line == Line.ACROSS ? "" : "i + ")
                .addStatement("int k = (ky * KERNEL_WIDTH + kx) * IN_CHANNELS * FILTERS + f")
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++, k += FILTERS)");
        blockStep(m, count, vectors, q -> line == Line.ACROSS ? "i" + q + " + t + c" : "t + c" + Line.times(q, line.inputStep));
        m.endControlFlow().endControlFlow().endControlFlow();
        storeBlock(m, count, vectors, relu, line.outputStep);
        m.endControlFlow();
    }

    /**
     * The innermost step of a block of {@code count} pixels by {@code vectors} vectors of filters: the
     * kernel's vectors at {@code k}, then each pixel's input value ({@code in[input(q)]}) times them.
     */
    private static void blockStep(MethodSpec.Builder m, int count, int vectors, java.util.function.IntFunction<String> input) {
        loadVectors(m, "k", "kernel", "k", vectors);
        for (int q = 0; q < count; q++) {
            m.addStatement("$L$T.broadcast(S, in[$L])", q == 0 ? "FloatVector v = " : "v = ", FLOAT_VECTOR, input.apply(q));
            for (int v = 0; v < vectors; v++) {
                m.addStatement("a$L$L = v.fma(k$L, a$L$L)", q, v, v, q, v);
            }
        }
    }

    /** Stores a block's accumulators: pixel {@code q} from {@code o + q * step + f}. */
    private static void storeBlock(MethodSpec.Builder m, int count, int vectors, boolean relu, String step) {
        for (int q = 0; q < count; q++) {
            storeVectors(m, q, vectors, q == 0 ? "o + f" : "o + " + q + " * " + step + " + f", relu);
        }
    }

    /** {@code ""}, {@code " + L"}, {@code " + 2 * L"}: the offset of vector {@code v} of a block. */
    private static String plusVectors(int v) {
        return v == 0 ? "" : v == 1 ? " + L" : " + " + v + " * L";
    }

    /** {@code z0 .. z(vectors - 1)}: the bias vectors from filter {@code f}, or zeros. */
    private static void biasVectors(MethodSpec.Builder m, int vectors) {
        for (int v = 0; v < vectors; v++) {
            m.addStatement("$T z$L = bias == null ? $T.zero(S) : $T.fromArray(S, bias, f$L)", FLOAT_VECTOR, v, FLOAT_VECTOR,
                    FLOAT_VECTOR, plusVectors(v));
        }
    }

    /** {@code name0 .. }: {@code vectors} consecutive vectors of {@code array} from {@code at}. */
    private static void loadVectors(MethodSpec.Builder m, String name, String array, String at, int vectors) {
        for (int v = 0; v < vectors; v++) {
            m.addStatement("$T $L$L = $T.fromArray(S, $L, $L$L)", FLOAT_VECTOR, name, v, FLOAT_VECTOR, array, at,
                    plusVectors(v));
        }
    }

    /**
     * Stores accumulators {@code a(q)0 ..} of pixel {@code q} into {@code out} from {@code at}, through
     * relu ({@code max(x, 0)}, Math.max's semantics as the portable code's) if asked.
     */
    private static void storeVectors(MethodSpec.Builder m, int q, int vectors, String at, boolean relu) {
        for (int v = 0; v < vectors; v++) {
            m.addStatement("a$L$L$L.intoArray(out, $L$L)", q, v, relu ? ".max(0f)" : "", at, plusVectors(v));
        }
    }

    /** Accumulators of {@code count} pixels by {@code vectors} vectors, a(q)(v), each set to z(v) ({@code init} z). */
    private static String accumulators(int count, int vectors, String init) {
        StringBuilder b = new StringBuilder();
        for (int p = 0; p < count; p++) {
            for (int v = 0; v < vectors; v++) {
                b.append(b.length() > 0 ? ", " : "").append("a").append(p).append(v).append(" = ").append(init).append(v);
            }
        }
        return b.toString();
    }

    /** Names of the accumulators of {@code count} pixels by 2 vectors: a00, a01, a10, ... */
    private static String accumulators(int count, String init0, String init1) {
        StringBuilder b = new StringBuilder();
        for (int p = 0; p < count; p++) {
            b.append(p > 0 ? ", " : "").append("a").append(p).append("0 = ").append(init0)
                    .append(", a").append(p).append("1 = ").append(init1);
        }
        return b.toString();
    }

    /** {@code window(p)}: the input index of output pixel {@code p}'s window's top-left tap, channel 0. */
    private static MethodSpec windowIndex() {
        return MethodSpec.methodBuilder("window").addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(int.class)
                .addJavadoc("The input index of the top-left tap of output pixel {@code p}'s window.\n")
                .addParameter(int.class, "p")
                .addStatement("int b = p / (OUT_HEIGHT * OUT_WIDTH)")
                .addStatement("int oy = p / OUT_WIDTH % OUT_HEIGHT")
                .addStatement("int ox = p % OUT_WIDTH")
                .addStatement("return ((b * IN_HEIGHT + oy * STRIDE_HEIGHT - PAD_TOP) * IN_WIDTH + ox * STRIDE_WIDTH - PAD_LEFT)"
                        + " * IN_CHANNELS")
                .build();
    }

    /** {@code tail(..., p)}: the channels beyond {@code F_VEC} of output pixel {@code p}, one at a time. */
    private static MethodSpec convTail(boolean relu, boolean narrow) {
        String from = narrow ? "F_VEC1" : "F_VEC";
        return MethodSpec.methodBuilder("tail").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("Channels {@code $L ..} of output pixel {@code p} (its window inside the input).\n", from)
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "kernel")
                .addParameter(float[].class, "bias").addParameter(int.class, "p")
                .addStatement("int i = window(p)")
                .beginControlFlow("for (int f = $L; f < FILTERS; f++)", from)
                .addStatement("float s = bias == null ? 0f : bias[f]")
                .beginControlFlow("for (int ky = 0; ky < KERNEL_HEIGHT; ky++)")
                .beginControlFlow("for (int kx = 0; kx < KERNEL_WIDTH; kx++)")
                .addStatement("int t = i + (ky * DILATION_HEIGHT * IN_WIDTH + kx * DILATION_WIDTH) * IN_CHANNELS")
                .addStatement("int k = (ky * KERNEL_WIDTH + kx) * IN_CHANNELS * FILTERS + f")
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                .addStatement("s += in[t + c] * kernel[k + c * FILTERS]")
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .addStatement(relu ? "out[p * FILTERS + f] = Math.max(s, 0f)" : "out[p * FILTERS + f] = s")
                .endControlFlow()
                .build();
    }

    /**
     * {@code pixels1}: output pixel {@code (oy, ox)} of example {@code b}, every channel, accumulated in
     * registers (4 or 2 vectors of filters), testing every tap (it also serves as the reference shape
     * of a block).
     */
    private static MethodSpec convPixels(boolean relu) {
        int count = 1;
        MethodSpec.Builder m = MethodSpec.methodBuilder("pixels1").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("Output pixel {@code (oy, ox)} of example {@code b}.\n")
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "kernel")
                .addParameter(float[].class, "bias").addParameter(int.class, "b").addParameter(int.class, "oy")
                .addParameter(int.class, "ox")
                .addStatement("int iy = oy * STRIDE_HEIGHT - PAD_TOP")
                .addStatement("int ix = ox * STRIDE_WIDTH - PAD_LEFT")
                .addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * FILTERS");
        m.addComment("4 vectors of filters at a time where the registers allow, then 2");
        rowBlock(m, 4, "0", "F_VEC4", relu);
        rowBlock(m, 2, "F_VEC4", "F_VEC", relu);
        m.addComment("channels beyond F_VEC, one at a time")
                .beginControlFlow("for (int p = 0; p < $L; p++)", count)
                .beginControlFlow("for (int f = F_VEC; f < FILTERS; f++)")
                .addStatement("float s = bias == null ? 0f : bias[f]")
                .beginControlFlow("for (int ky = 0; ky < KERNEL_HEIGHT; ky++)")
                .addStatement("int y = iy + ky * DILATION_HEIGHT")
                .beginControlFlow("if (y < 0 || y >= IN_HEIGHT)").addStatement("continue").endControlFlow()
                .beginControlFlow("for (int kx = 0; kx < KERNEL_WIDTH; kx++)")
                .addStatement("int x = ix + p * STRIDE_WIDTH + kx * DILATION_WIDTH")
                .beginControlFlow("if (x < 0 || x >= IN_WIDTH)").addStatement("continue").endControlFlow()
                .addStatement("int i = ((b * IN_HEIGHT + y) * IN_WIDTH + x) * IN_CHANNELS")
                .addStatement("int k = (ky * KERNEL_WIDTH + kx) * IN_CHANNELS * FILTERS + f")
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                .addStatement("s += in[i + c] * kernel[k + c * FILTERS]")
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .addStatement(relu ? "out[o + p * FILTERS + f] = Math.max(s, 0f)" : "out[o + p * FILTERS + f] = s")
                .endControlFlow()
                .endControlFlow();
        return m.build();
    }

    /** The loop over filters {@code [from, to)} of {@link #convPixels}, {@code vectors} at a time. */
    private static void rowBlock(MethodSpec.Builder m, int vectors, String from, String to, boolean relu) {
        m.beginControlFlow("for (int f = $L; f < $L; f += $L * L)", from, to, vectors);
        biasVectors(m, vectors);
        m.addStatement("$T $L", FLOAT_VECTOR, accumulators(1, vectors, "z"))
                .beginControlFlow("for (int ky = 0; ky < KERNEL_HEIGHT; ky++)")
                .addStatement("int y = iy + ky * DILATION_HEIGHT")
                .beginControlFlow("if (y < 0 || y >= IN_HEIGHT)").addStatement("continue").endControlFlow()
                .beginControlFlow("for (int kx = 0; kx < KERNEL_WIDTH; kx++)")
                .addStatement("int x = ix + kx * DILATION_WIDTH")
                .beginControlFlow("if (x < 0 || x >= IN_WIDTH)").addStatement("continue").endControlFlow()
                .addStatement("int i = ((b * IN_HEIGHT + y) * IN_WIDTH + x) * IN_CHANNELS")
                .addStatement("int k = (ky * KERNEL_WIDTH + kx) * IN_CHANNELS * FILTERS + f")
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++, k += FILTERS)");
        blockStep(m, 1, vectors, p -> "i + c");
        m.endControlFlow().endControlFlow().endControlFlow();
        storeBlock(m, 1, vectors, relu, "FILTERS");
        m.endControlFlow();
    }

    /**
     * {@code backward} of a convolution: bias and kernel gradients accumulated in registers over
     * every output pixel; the input gradient as {@code dOut . kernel^T} into a scratch row per pixel,
     * then added back to the input positions (col2im).
     */

    /**
     * The backward pass; with {@code throughPooling}, also {@code backwardThroughPooling}, which takes
     * the output gradient from the max pooling after the layer a tile at a time (the layer's class
     * then also needs the pooling's {@code poolingGradient} and POOL_ constants: {@link
     * VectorPool2DGenerator#tileGradient}).
     */
    static List<MethodSpec> convBackward(boolean bias, boolean inputGradient, boolean fewChannels, boolean narrow,
            int outWidth, int inChannels, int kernelRows, String doc, boolean throughPooling) {
        return convBackward(bias, inputGradient, fewChannels, narrow, outWidth, inChannels, kernelRows, doc, throughPooling, false);
    }

    /**
     * {@link #convBackward}; with {@code winograd}, the kernel gradient of a batch of at least MIN_TILES tiles
     * is {@link VectorWinograd#kernelGradientMethods}'s (the class has the Winograd forward pass's constants
     * and methods; the backward pass then needs its scratch, so only with the input gradient).
     */
    static List<MethodSpec> convBackward(boolean bias, boolean inputGradient, boolean fewChannels, boolean narrow,
            int outWidth, int inChannels, int kernelRows, String doc, boolean throughPooling, boolean winograd) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc(doc)
                .addParameter(float[].class, "in").addParameter(float[].class, "dOut");
        if (inputGradient) {
            m.addParameter(float[].class, "dIn");
        }
        m.addParameter(float[].class, "kernel").addParameter(float[].class, "dKernel");
        if (bias) {
            m.addParameter(float[].class, "dBias");
        }
        if (inputGradient) {
            m.addParameter(float[].class, "scratch");
        }
        m.addParameter(int.class, "n");
        if (winograd) {
            m.beginControlFlow("if (WINOGRAD && n * TILES >= MIN_TILES)")
                    .addComment("the kernel gradient by Winograd's F(2x2, 3x3)$L", bias ? ", the bias gradient in a pass of its own" : "")
                    .addStatement("winogradKernelGradient(in, dOut, dKernel, scratch, n)");
            if (bias) {
                m.addStatement("biasGradient(dOut, dBias, 0, n * OUT_HEIGHT * OUT_WIDTH)");
            }
            m.nextControlFlow("else");
        }
        m.addComment("tiles of TILE_ROWS output rows, whose dOut and input stay in the L1 cache for every tap");
        if (bias) {
            m.addComment("and for the bias, summed tile by tile (a pass of its own would read dOut from L2 or L3 again)");
        }
        m.addStatement("int rows = n * OUT_HEIGHT")
                .beginControlFlow("for (int r0 = 0; r0 < rows; r0 += TILE_ROWS)")
                .addStatement("int r1 = Math.min(r0 + TILE_ROWS, rows)");
        java.util.Set<Integer> tapBlocks = new java.util.TreeSet<>();
        Tile whole = new Tile("dOut", throughPooling ? "0" : null, false);
        int sixes = fewChannels || narrow || outWidth < SIX_MIN_WIDTH ? 0 : sixChannelBlocks(inChannels);
        kernelGradientTile(m, whole, bias, fewChannels, narrow, sixes, kernelRows, tapBlocks);
        m.endControlFlow();
        if (winograd) {
            m.endControlFlow();
        }
        if (inputGradient) {
            m.addStatement("inputGradient(dOut, dIn, kernel, scratch, n)");
        }
        List<MethodSpec> methods = new java.util.ArrayList<>(List.of(m.build()));
        if (throughPooling) {
            methods.add(throughPooling(bias, fewChannels, narrow, sixes, kernelRows, tapBlocks));
        }
        if (fewChannels) {
            for (int count : tapBlocks) {
                methods.add(convKernelGradientTaps(count, narrow, throughPooling));
            }
            for (int count : narrow ? tapBlocks : java.util.Set.<Integer>of()) {
                methods.add(convKernelGradientTapsNarrow(count, throughPooling));
            }
            methods.add(kernelRowOffset());
        } else {
            if (sixes > 0) {
                methods.addAll(List.of(convKernelGradientWide6(throughPooling), convKernelGradient6(throughPooling)));
            }
            methods.addAll(List.of(convKernelGradientWide(outWidth >= WIDE_PAIRS, throughPooling),
                    convKernelGradient(4, narrow, throughPooling), convKernelGradient(1, narrow, throughPooling)));
            if (narrow) {
                methods.addAll(List.of(convKernelGradientNarrow(4, throughPooling), convKernelGradientNarrow(1, throughPooling)));
            }
        }
        if (bias) {
            methods.add(biasGradient("FILTERS", narrow ? "F_VEC1" : "F_VEC"));
        }
        if (inputGradient) {
            methods.addAll(convInputGradient());
        }
        if (winograd) {
            methods.addAll(VectorWinograd.kernelGradientMethods());
        }
        return methods;
    }

    /**
     * Where one tile's output gradient is: the array's name, the {@code shift} argument of the kernel
     * gradient's methods (null where they take none), and whether the array holds only the tile (from
     * index 0) rather than the whole output gradient.
     */
    private record Tile(String dOut, String shift, boolean alone) {
        String args() {
            return shift == null ? "" : ", " + shift;
        }
    }

    /** The bias and kernel gradients of output rows {@code r0 .. r1 - 1}, from {@code tile}. */
    private static void kernelGradientTile(MethodSpec.Builder m, Tile tile, boolean bias, boolean fewChannels,
            boolean narrow, int sixes, int kernelRows, java.util.Set<Integer> tapBlocks) {
        if (bias) {
            m.addStatement(tile.alone() ? "biasGradient($L, dBias, 0, (r1 - r0) * OUT_WIDTH)"
                    : "biasGradient($L, dBias, r0 * OUT_WIDTH, r1 * OUT_WIDTH)", tile.dOut());
        }
        String d = tile.dOut();
        String x = tile.args();
        if (fewChannels) {
            int[] wide = partition(kernelRows, TAP_ROWS);
            int[] narrowFile = partition(kernelRows, TAP_ROWS16);
            m.addComment("fewer than 4 input channels: blocks of the $L kernel rows (tap, channel) instead,", kernelRows)
                    .addComment("$L with 32 registers, $L with 16", describe(wide), describe(narrowFile));
            m.beginControlFlow("if (WIDE)");
            tapBlockCalls(m, wide, narrow, tapBlocks, d, x);
            m.nextControlFlow("else");
            tapBlockCalls(m, narrowFile, narrow, tapBlocks, d, x);
            m.endControlFlow();
            return;
        }
        m.beginControlFlow("for (int tap = 0; tap < KERNEL_HEIGHT * KERNEL_WIDTH; tap++)")
                .addStatement("int c = 0");
        if (sixes > 0) {
            m.addComment("$L blocks of 6 input channels, then blocks of 4 (see kernelGradient6)", sixes)
                    .beginControlFlow("for (; c < $L; c += 6)", 6 * sixes)
                    .beginControlFlow("if (F_VEC4 > 0)")
                    .addStatement("kernelGradientWide6(in, $L, dKernel, r0, r1, tap, c$L)", tile.dOut(), tile.args())
                    .endControlFlow()
                    .addStatement("kernelGradient6(in, $L, dKernel, r0, r1, tap, c$L)", tile.dOut(), tile.args())
                    .endControlFlow();
        }
        m.beginControlFlow("for (; c + 4 <= IN_CHANNELS; c += 4)")
                .beginControlFlow("if (F_VEC4 > 0)")
                .addStatement("kernelGradientWide(in, $L, dKernel, r0, r1, tap, c$L)", d, x)
                .endControlFlow()
                .addStatement("kernelGradient4(in, $L, dKernel, r0, r1, tap, c$L)", d, x);
        if (narrow) {
            m.addStatement("kernelGradientNarrow4(in, $L, dKernel, r0, r1, tap, c$L)", d, x);
        }
        m.endControlFlow()
                .beginControlFlow("for (; c < IN_CHANNELS; c++)")
                .addStatement("kernelGradient1(in, $L, dKernel, r0, r1, tap, c$L)", d, x);
        if (narrow) {
            m.addStatement("kernelGradientNarrow1(in, $L, dKernel, r0, r1, tap, c$L)", d, x);
        }
        m.endControlFlow()
                .endControlFlow();
    }

    /**
     * {@code backwardThroughPooling}: the layer's backward pass and the next layer's, a max pooling's,
     * in one. The pooling's pass would write this layer's whole output gradient (1.4 MB for 16 MNIST
     * images after the first convolution) to L3 and the kernel gradient read it back; here each tile of
     * TILE_ROWS rows is computed from the pooling's gradient into {@code tile}, which stays in the L1
     * cache for the bias and kernel gradients (pooling and first layer backward, 16 images, AVX-512:
     * 183-190 to 95-99 us). The same values in the same order as the two passes: the same bits.
     */
    private static MethodSpec throughPooling(boolean bias, boolean fewChannels, boolean narrow, int sixes, int kernelRows,
            java.util.Set<Integer> tapBlocks) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("backwardThroughPooling").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("The next layer's max pooling backward pass (with this layer's relu) and this layer's, in one: from\n"
                        + "{@code dPooled}, the gradient of the pooling's output {@code pooled}, accumulates dKernel$L; this layer's\n"
                        + "output gradient is never written whole, only {@code tile} (TILE_ROWS output rows) at a time. As\n"
                        + "{@code MaxPooling2D.backward} then {@link #backward} would, bit for bit. Vector API variant.\n",
                        bias ? " and dBias" : "")
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "pooled")
                .addParameter(float[].class, "dPooled").addParameter(float[].class, "dKernel");
        if (bias) {
            m.addParameter(float[].class, "dBias");
        }
        m.addParameter(float[].class, "tile").addParameter(int.class, "n")
                .addStatement("int rows = n * OUT_HEIGHT")
                .beginControlFlow("for (int r0 = 0; r0 < rows; r0 += TILE_ROWS)")
                .addStatement("int r1 = Math.min(r0 + TILE_ROWS, rows)")
                .addStatement("poolingGradient(out, pooled, dPooled, tile, r0, r1)");
        kernelGradientTile(m, new Tile("tile", "r0 * OUT_WIDTH * FILTERS", true), bias, fewChannels, narrow, sixes, kernelRows,
                tapBlocks);
        return m.endControlFlow().build();
    }

    /**
     * Kernel rows per block of a first layer's kernel gradient with 32 registers: up to 12 rows by 2
     * vectors of filters (24 accumulators), so that a 3x3 kernel over one channel (9 rows) runs in one
     * block and each output pixel's dOut is loaded once, not once per block of 4 rows, and no block
     * of a single row keeps only 2 accumulators in flight (3x3 from one channel to 32 on 26x26: as
     * fast as blocks of 4, 4 and 1 on AVX-512; with 16 registers, blocks of 5 and 4 instead of 4, 4 and
     * 1 took the backward pass from 119-129 to 108-111 us per 16 images).
     */
    static final int TAP_ROWS = 12;

    /** {@link #TAP_ROWS} with 16 registers: 5 rows by 2 vectors, 10 accumulators, the broadcast and dOut's 2. */
    static final int TAP_ROWS16 = 5;

    /** {@code total} split into the fewest blocks of at most {@code max}, their sizes differing by at most one, largest first. */
    static int[] partition(int total, int max) {
        int blocks = (total + max - 1) / max;
        int[] sizes = new int[blocks];
        for (int k = 0; k < blocks; k++) {
            sizes[k] = total / blocks + (k < total % blocks ? 1 : 0);
        }
        return sizes;
    }

    /** "one block of 9", "blocks of 5 and 4", "blocks of 11, 11, 10". */
    private static String describe(int[] sizes) {
        if (sizes.length == 1) {
            return "one block of " + sizes[0];
        }
        if (sizes.length == 2) {
            return "blocks of " + sizes[0] + " and " + sizes[1];
        }
        return "blocks of " + java.util.Arrays.toString(sizes).replaceAll("[\\[\\]]", "");
    }

    /**
     * The calls of {@code kernelGradientTapsN} for the blocks {@code sizes}, from kernel row 0, on the
     * output gradient {@code dOut} (with {@code shift}, ", expression", or ""); the counts go to {@code used}.
     */
    private static void tapBlockCalls(MethodSpec.Builder m, int[] sizes, boolean narrow, java.util.Set<Integer> used,
            String dOut, String shift) {
        int j = 0;
        for (int count : sizes) {
            m.addStatement("kernelGradientTaps$L(in, $L, dKernel, r0, r1, $L$L)", count, dOut, j, shift);
            if (narrow) {
                m.addStatement("kernelGradientTapsNarrow$L(in, $L, dKernel, r0, r1, $L$L)", count, dOut, j, shift);
            }
            used.add(count);
            j += count;
        }
    }

    /**
     * {@code TILE_ROWS}: output rows per tile of a convolution's kernel gradient. Every tap and
     * channel block runs over one tile before the next, so that the tile's dOut (at most 16 KB) and
     * the input rows under it are read from the L1 cache, not streamed from L2 once per tap.
     */
    static FieldSpec tileRows() {
        return FieldSpec.builder(int.class, "TILE_ROWS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("Math.max(1, 4096 / (OUT_WIDTH * FILTERS))")
                .addJavadoc("Output rows (across examples) per tile of the kernel gradient: at most 16 KB of dOut.\n")
                .build();
    }

    /** {@link #tileRows()} for a backward pass through a pooling: a multiple of POOL_HEIGHT (whole windows). */
    static FieldSpec tileRowsOfWindows() {
        return FieldSpec.builder(int.class, "TILE_ROWS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("Math.max(POOL_HEIGHT, 4096 / (OUT_WIDTH * FILTERS) / POOL_HEIGHT * POOL_HEIGHT)")
                .addJavadoc("Output rows (across examples) per tile of the kernel gradient: at most 16 KB of dOut (or one\n"
                        + "row of pooling windows), whole pooling windows.\n")
                .build();
    }

    /** The floats of {@link #tileRowsOfWindows()}'s tile. */
    static long windowTileFloats(int outWidth, int filters, int poolHeight) {
        int rows = Math.max(poolHeight, 4096 / (outWidth * filters) / poolHeight * poolHeight);
        return (long) rows * outWidth * filters;
    }

    static MethodSpec biasGradient(String channels) {
        return biasGradient(channels, "F_VEC");
    }

    /**
     * dBias: vectors of channels below {@code vectors} (F_VEC or F_VEC1), each summed in 4 chains of
     * pixels (p mod 4) so that the additions do not wait on each other (one chain is bound by the add's
     * latency: a first layer's 10,816 pixels per 16 images took 25 of the backward pass's 76 us,
     * AVX-512), then one channel at a time.
     */
    static MethodSpec biasGradient(String channels, String vectors) {
        return MethodSpec.methodBuilder("biasGradient").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dBias += the sum of dOut over output positions {@code from .. to - 1}.\n")
                .addParameter(float[].class, "dOut").addParameter(float[].class, "dBias").addParameter(int.class, "from")
                .addParameter(int.class, "to")
                .beginControlFlow("for (int f = 0; f < $L; f += L)", vectors)
                .addStatement("$T s0 = $T.zero(S), s1 = s0, s2 = s0, s3 = s0", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("int p = from")
                .beginControlFlow("for (; p + 4 <= to; p += 4)")
                .addStatement("s0 = s0.add($T.fromArray(S, dOut, p * $L + f))", FLOAT_VECTOR, channels)
                .addStatement("s1 = s1.add($T.fromArray(S, dOut, (p + 1) * $L + f))", FLOAT_VECTOR, channels)
                .addStatement("s2 = s2.add($T.fromArray(S, dOut, (p + 2) * $L + f))", FLOAT_VECTOR, channels)
                .addStatement("s3 = s3.add($T.fromArray(S, dOut, (p + 3) * $L + f))", FLOAT_VECTOR, channels)
                .endControlFlow()
                .beginControlFlow("for (; p < to; p++)")
                .addStatement("s0 = s0.add($T.fromArray(S, dOut, p * $L + f))", FLOAT_VECTOR, channels)
                .endControlFlow()
                .addStatement("s0.add(s1).add(s2.add(s3)).add($T.fromArray(S, dBias, f)).intoArray(dBias, f)", FLOAT_VECTOR)
                .endControlFlow()
                .beginControlFlow("for (int f = $L; f < $L; f++)", vectors, channels)
                .addStatement("float s = 0f")
                .beginControlFlow("for (int p = from; p < to; p++)")
                .addStatement("s += dOut[p * $L + f]", channels)
                .endControlFlow()
                .addStatement("dBias[f] += s")
                .endControlFlow()
                .build();
    }

    /**
     * dKernel rows {@code j .. j + count - 1} (a row is a tap and an input channel, {@code tap *
     * IN_CHANNELS + c}), every filter, over output rows {@code r0 .. r1 - 1}; every window inside the
     * input. For layers with fewer than 4 input channels (a first layer), where blocks of 4 channels
     * of one tap do not exist: {@code count} rows by 2 vectors of filters (see {@link #TAP_ROWS}).
     */
    private static MethodSpec convKernelGradientTaps(int count, boolean narrow, boolean shifted) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("kernelGradientTaps" + count)
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dKernel rows {@code j .. j + $L} (tap * IN_CHANNELS + channel) += the sum over output rows "
                        + "{@code r0 .. r1 - 1} of in (at the row's tap and channel) times dOut.\n", count - 1)
                .addParameter(float[].class, "in").addParameter(float[].class, "dOut").addParameter(float[].class, "dKernel")
                .addParameter(int.class, "r0").addParameter(int.class, "r1").addParameter(int.class, "j");
        shiftParameter(m, shifted);
        for (int q = 0; q < count; q++) {
            m.addStatement("int t$L = rowOffset(j$L)", q, q == 0 ? "" : " + " + q);
        }
        m.beginControlFlow("for (int f = 0; f < F_VEC; f += 2 * L)")
                .addStatement("$T $L", FLOAT_VECTOR, accumulators(count, "FloatVector.zero(S)", "FloatVector.zero(S)"))
                .beginControlFlow("for (int r = r0; r < r1; r++)")
                .addStatement("int b = r / OUT_HEIGHT")
                .addStatement(ROW_START)
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("int i = w + ox * STRIDE_WIDTH * IN_CHANNELS")
                .addStatement("int o = (r * OUT_WIDTH + ox) * FILTERS + f$L", minus(shifted))
                .addStatement("$T d0 = $T.fromArray(S, dOut, o)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T d1 = $T.fromArray(S, dOut, o + L)", FLOAT_VECTOR, FLOAT_VECTOR);
        for (int q = 0; q < count; q++) {
            m.addStatement("$L$T.broadcast(S, in[i + t$L])", q == 0 ? "FloatVector v = " : "v = ", FLOAT_VECTOR, q)
                    .addStatement("a$L0 = v.fma(d0, a$L0)", q, q)
                    .addStatement("a$L1 = v.fma(d1, a$L1)", q, q);
        }
        m.endControlFlow().endControlFlow();
        addToKernel(m, count, q -> "(j" + (q == 0 ? "" : " + " + q) + ") * FILTERS + f");
        return m.endControlFlow()
                .addComment("filters beyond $L, one at a time", narrow ? "F_VEC1 (kernelGradientTapsNarrow" + count + ")" : "F_VEC")
                .beginControlFlow("for (int f = $L; f < FILTERS; f++)", narrow ? "F_VEC1" : "F_VEC")
                .beginControlFlow("for (int q = 0; q < $L; q++)", count)
                .addStatement("int t = rowOffset(j + q)")
                .addStatement("float s = 0f")
                .beginControlFlow("for (int r = r0; r < r1; r++)")
                .addStatement("int b = r / OUT_HEIGHT")
                .addStatement(ROW_START)
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("s += in[w + ox * STRIDE_WIDTH * IN_CHANNELS + t] * dOut[(r * OUT_WIDTH + ox) * FILTERS + f$L]", minus(shifted))
                .endControlFlow()
                .endControlFlow()
                .addStatement("dKernel[(j + q) * FILTERS + f] += s")
                .endControlFlow()
                .endControlFlow()
                .build();
    }


    /** {@code " - shift"} where dOut is a tile (its indices less {@code shift}), else nothing. */
    private static String minus(boolean shifted) {
        return shifted ? " - shift" : "";
    }

    /** A kernel gradient's last parameter where dOut may be a tile: {@code shift}, the index of the tile's first value. */
    private static void shiftParameter(MethodSpec.Builder m, boolean shifted) {
        if (shifted) {
            m.addParameter(int.class, "shift")
                    .addJavadoc("\n<p>dOut's indices less {@code shift}: 0 for the whole output gradient, "
                            + "{@code r0 * OUT_WIDTH * FILTERS} for a tile of it from row r0.\n");
        }
    }

    /** Where output row {@code r}'s windows start in the input (rows counted across examples). */
    private static final String ROW_START =
            "int w = (b * IN_HEIGHT + (r - b * OUT_HEIGHT) * STRIDE_HEIGHT) * IN_WIDTH * IN_CHANNELS";

    /**
     * {@code kernelGradientTapsNarrowN}: dKernel rows {@code j .. j + count - 1}, filters
     * {@code F_VEC .. F_VEC1 - 1} (one vector, or none), one accumulator per row.
     */
    private static MethodSpec convKernelGradientTapsNarrow(int count, boolean shifted) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("kernelGradientTapsNarrow" + count)
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dKernel rows {@code j$L}, filters {@code F_VEC .. F_VEC1 - 1}, += the sum over output rows "
                        + "{@code r0 .. r1 - 1} of in (at the row's tap and channel) times dOut.\n", count == 1 ? "" : " .. j + " + (count - 1))
                .addParameter(float[].class, "in").addParameter(float[].class, "dOut").addParameter(float[].class, "dKernel")
                .addParameter(int.class, "r0").addParameter(int.class, "r1").addParameter(int.class, "j");
        shiftParameter(m, shifted);
        for (int q = 0; q < count; q++) {
            m.addStatement("int t$L = rowOffset(j$L)", q, q == 0 ? "" : " + " + q);
        }
        StringBuilder acc = new StringBuilder();
        for (int q = 0; q < count; q++) {
            acc.append(q > 0 ? ", " : "").append("a").append(q).append(" = z");
        }
        m.beginControlFlow("for (int f = F_VEC; f < F_VEC1; f += L)")
                .addStatement("$T z = $T.zero(S)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T $L", FLOAT_VECTOR, acc)
                .beginControlFlow("for (int r = r0; r < r1; r++)")
                .addStatement("int b = r / OUT_HEIGHT")
                .addStatement(ROW_START)
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("int i = w + ox * STRIDE_WIDTH * IN_CHANNELS")
                .addStatement("$T d = $T.fromArray(S, dOut, (r * OUT_WIDTH + ox) * FILTERS + f$L)", FLOAT_VECTOR, FLOAT_VECTOR, minus(shifted));
        for (int q = 0; q < count; q++) {
            m.addStatement("a$L = $T.broadcast(S, in[i + t$L]).fma(d, a$L)", q, FLOAT_VECTOR, q, q);
        }
        m.endControlFlow().endControlFlow();
        for (int q = 0; q < count; q++) {
            String at = "(j" + (q == 0 ? "" : " + " + q) + ") * FILTERS + f";
            m.addStatement("a$L.add($T.fromArray(S, dKernel, $L)).intoArray(dKernel, $L)", q, FLOAT_VECTOR, at, at);
        }
        return m.endControlFlow().build();
    }

    /** {@code dKernel[at(q) ..] +=} the two accumulators {@code a(q)0, a(q)1} of each of {@code count} rows. */
    private static void addToKernel(MethodSpec.Builder m, int count, java.util.function.IntFunction<String> at) {
        for (int q = 0; q < count; q++) {
            String i = at.apply(q);
            m.addStatement("a$L0.add($T.fromArray(S, dKernel, $L)).intoArray(dKernel, $L)", q, FLOAT_VECTOR, i, i)
                    .addStatement("a$L1.add($T.fromArray(S, dKernel, $L + L)).intoArray(dKernel, $L + L)", q, FLOAT_VECTOR,
                            i, i);
        }
    }

    /** {@code rowOffset(j)}: where kernel row {@code j}'s tap and channel lie in a window, from its top-left tap. */
    private static MethodSpec kernelRowOffset() {
        return MethodSpec.methodBuilder("rowOffset").addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(int.class)
                .addJavadoc("The input offset of kernel row {@code j} (tap * IN_CHANNELS + channel) from a window's "
                        + "top-left tap.\n")
                .addParameter(int.class, "j")
                .addStatement("int tap = j / IN_CHANNELS")
                .addStatement("return (tap / KERNEL_WIDTH * DILATION_HEIGHT * IN_WIDTH + tap % KERNEL_WIDTH * DILATION_WIDTH) "
                        + "* IN_CHANNELS + j % IN_CHANNELS")
                .build();
    }

    /**
     * dKernel for tap {@code tap}, input channels {@code c .. c + 3}, filters below {@code F_VEC4}:
     * 16 accumulators, 4 channels by 4 vectors of filters, so that each loaded vector of dOut serves 4
     * products and each input value 4 vectors (on machines with 32 vector registers).
     */
    private static MethodSpec convKernelGradientWide(boolean pairs, boolean shifted) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("kernelGradientWide").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dKernel[tap, c .. c + 3, 0 .. F_VEC4 - 1] += the sum over output rows {@code r0 .. r1 - 1} (counted "
                        + "across examples) of in (at the tap) times dOut.\n")
                .addParameter(float[].class, "in").addParameter(float[].class, "dOut").addParameter(float[].class, "dKernel")
                .addParameter(int.class, "r0").addParameter(int.class, "r1").addParameter(int.class, "tap").addParameter(int.class, "c")
                .addStatement("int dy = tap / KERNEL_WIDTH * DILATION_HEIGHT - PAD_TOP")
                .addStatement("int dx = tap % KERNEL_WIDTH * DILATION_WIDTH - PAD_LEFT")
                .addStatement("int k = (tap * IN_CHANNELS + c) * FILTERS")
                .beginControlFlow("for (int f = 0; f < F_VEC4; f += 4 * L)");
        shiftParameter(m, shifted);
        StringBuilder acc = new StringBuilder();
        for (int q = 0; q < 4; q++) {
            for (int v = 0; v < 4; v++) {
                acc.append(acc.length() > 0 ? ", " : "").append("a").append(q).append(v).append(" = z");
            }
        }
        m.addStatement("$T z = $T.zero(S)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T $L", FLOAT_VECTOR, acc)
                .beginControlFlow("for (int r = r0; r < r1; r++)")
                .addStatement("int b = r / OUT_HEIGHT")
                .addStatement("int oy = r - b * OUT_HEIGHT")
                .addStatement("int y = oy * STRIDE_HEIGHT + dy")
                .addStatement("int i = ((b * IN_HEIGHT + y) * IN_WIDTH + dx) * IN_CHANNELS + c")
                .addStatement("int o = r * OUT_WIDTH * FILTERS + f$L", minus(shifted));
        columnPairs(m, pairs, (column, d) -> kernelGradientStep(m, column, d, 4, 4));
        m.endControlFlow();
        for (int q = 0; q < 4; q++) {
            for (int v = 0; v < 4; v++) {
                String at = "k + " + (q == 0 ? "" : q + " * FILTERS + ") + "f" + (plusVectors(v));
                m.addStatement("a$L$L.add($T.fromArray(S, dKernel, $L)).intoArray(dKernel, $L)", q, v, FLOAT_VECTOR, at, at);
            }
        }
        return m.endControlFlow().build();
    }

    /**
     * How many blocks of 6 input channels a kernel gradient takes before its blocks of 4: the most that
     * leave a multiple of 4 (32 channels: 4 blocks of 6 and 2 of 4; 64: 10 and 1), none under 6 channels
     * or where no count does. Six channels by 4 vectors of filters are 24 accumulators with 32 registers,
     * by 2 vectors 12 with 16: each loaded vector of dOut then serves 6 products instead of 4 (3x3 from
     * 32 channels to 64 on 11x11, 16 images: 975-1,020 to 905-930 us with AVX2, 500-530 to 480-505 with
     * AVX-512). The pairs of columns of the 4-channel blocks would take more registers than there are.
     * Only for outputs at least {@link #SIX_MIN_WIDTH} wide.
     */
    static int sixChannelBlocks(int inChannels) {
        for (int sixes = inChannels / 6; sixes > 0; sixes--) {
            if ((inChannels - 6 * sixes) % 4 == 0) {
                return sixes;
            }
        }
        return 0;
    }

    /**
     * The narrowest output whose kernel gradient takes blocks of 6 channels: C2 unrolls a row's short
     * loop of columns whole, and the unrolled blocks of 6 spill their accumulators (3x3 from 64 channels
     * to 64 on 3x3, 16 images: 320-340 to 500 us with AVX2, 180-190 to 205-235 with AVX-512).
     */
    static final int SIX_MIN_WIDTH = 8;

    /** dKernel for tap {@code tap}, input channels {@code c .. c + 5}, filters below {@code F_VEC4}: 6 by 4 vectors. */
    private static MethodSpec convKernelGradientWide6(boolean shifted) {
        return sixChannels("kernelGradientWide6", "0", "F_VEC4", 4, shifted,
                "dKernel[tap, c .. c + 5, 0 .. F_VEC4 - 1] += the sum over output rows {@code r0 .. r1 - 1} (counted across "
                        + "examples) of in (at the tap) times dOut.\n");
    }

    /**
     * dKernel for tap {@code tap}, input channels {@code c .. c + 5}, filters {@code F_VEC4 .. F_VEC - 1}
     * (every vector of them with 16 registers), 6 by 2 vectors, then the filters beyond F_VEC one at a time.
     */
    private static MethodSpec convKernelGradient6(boolean shifted) {
        MethodSpec.Builder m = sixChannels("kernelGradient6", "F_VEC4", "F_VEC", 2, shifted,
                "dKernel[tap, c .. c + 5, F_VEC4 ..] += the sum over output rows {@code r0 .. r1 - 1} of in (at the tap) "
                        + "times dOut.\n").toBuilder();
        m.addComment("filters beyond F_VEC, one at a time");
        return scalarFilters(m, "F_VEC", 6, shifted).build();
    }

    /** The kernel gradient of filters {@code from ..}, one at a time, for input channels {@code c .. c + count - 1}. */
    private static MethodSpec.Builder scalarFilters(MethodSpec.Builder m, String from, int count, boolean shifted) {
        return m.beginControlFlow("for (int f = $L; f < FILTERS; f++)", from)
                .beginControlFlow("for (int q = 0; q < $L; q++)", count)
                .addStatement("float s = 0f")
                .beginControlFlow("for (int r = r0; r < r1; r++)")
                .addStatement("int b = r / OUT_HEIGHT")
                .addStatement("int oy = r - b * OUT_HEIGHT")
                .addStatement("int y = oy * STRIDE_HEIGHT + dy")
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("int x = ox * STRIDE_WIDTH + dx")
                .addStatement("s += in[((b * IN_HEIGHT + y) * IN_WIDTH + x) * IN_CHANNELS + c + q]"
                        + " * dOut[(r * OUT_WIDTH + ox) * FILTERS + f$L]", minus(shifted))
                .endControlFlow()
                .endControlFlow()
                .addStatement("dKernel[k + q * FILTERS + f] += s")
                .endControlFlow()
                .endControlFlow();
    }

    /** A 6-channel block of a kernel gradient: filters {@code from .. to - 1}, {@code vectors} at a time, one column per step. */
    private static MethodSpec sixChannels(String name, String from, String to, int vectors, boolean shifted, String doc) {
        MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc(doc)
                .addParameter(float[].class, "in").addParameter(float[].class, "dOut").addParameter(float[].class, "dKernel")
                .addParameter(int.class, "r0").addParameter(int.class, "r1").addParameter(int.class, "tap").addParameter(int.class, "c")
                .addStatement("int dy = tap / KERNEL_WIDTH * DILATION_HEIGHT - PAD_TOP")
                .addStatement("int dx = tap % KERNEL_WIDTH * DILATION_WIDTH - PAD_LEFT")
                .addStatement("int k = (tap * IN_CHANNELS + c) * FILTERS")
                .beginControlFlow("for (int f = $L; f < $L; f += $L * L)", from, to, vectors);
        shiftParameter(m, shifted);
        StringBuilder acc = new StringBuilder();
        for (int q = 0; q < 6; q++) {
            for (int v = 0; v < vectors; v++) {
                acc.append(acc.length() > 0 ? ", " : "").append("a").append(q).append(v).append(" = z");
            }
        }
        m.addStatement("$T z = $T.zero(S)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T $L", FLOAT_VECTOR, acc)
                .beginControlFlow("for (int r = r0; r < r1; r++)")
                .addStatement("int b = r / OUT_HEIGHT")
                .addStatement("int oy = r - b * OUT_HEIGHT")
                .addStatement("int y = oy * STRIDE_HEIGHT + dy")
                .addStatement("int i = ((b * IN_HEIGHT + y) * IN_WIDTH + dx) * IN_CHANNELS + c")
                .addStatement("int o = r * OUT_WIDTH * FILTERS + f$L", minus(shifted));
        columnPairs(m, false, (column, d) -> kernelGradientStep(m, column, d, 6, vectors));
        m.endControlFlow();
        for (int q = 0; q < 6; q++) {
            for (int v = 0; v < vectors; v++) {
                String at = "k + " + (q == 0 ? "" : q + " * FILTERS + ") + "f" + (plusVectors(v));
                m.addStatement("a$L$L.add($T.fromArray(S, dKernel, $L)).intoArray(dKernel, $L)", q, v, FLOAT_VECTOR, at, at);
            }
        }
        return m.endControlFlow().build();
    }

    /** dKernel for tap {@code tap}, input channels {@code c .. c + count - 1} (count 1 or 4), every filter. */
    private static MethodSpec convKernelGradient(int count, boolean narrow, boolean shifted) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("kernelGradient" + count).addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dKernel[tap, c .. c + $L, :] += the sum over output rows {@code r0 .. r1 - 1} of in (at the tap) times dOut.\n",
                        count - 1)
                .addParameter(float[].class, "in").addParameter(float[].class, "dOut").addParameter(float[].class, "dKernel")
                .addParameter(int.class, "r0").addParameter(int.class, "r1").addParameter(int.class, "tap").addParameter(int.class, "c")
                .addStatement("int dy = tap / KERNEL_WIDTH * DILATION_HEIGHT - PAD_TOP")
                .addStatement("int dx = tap % KERNEL_WIDTH * DILATION_WIDTH - PAD_LEFT")
                .addStatement("int k = (tap * IN_CHANNELS + c) * FILTERS")
                .beginControlFlow("for (int f = $L; f < F_VEC; f += 2 * L)", count == 4 ? "F_VEC4" : "0")
                .addStatement("$T $L", FLOAT_VECTOR, accumulators(count, "FloatVector.zero(S)", "FloatVector.zero(S)"))
                .beginControlFlow("for (int r = r0; r < r1; r++)")
                .addStatement("int b = r / OUT_HEIGHT")
                .addStatement("int oy = r - b * OUT_HEIGHT")
                .addStatement("int y = oy * STRIDE_HEIGHT + dy")
                .addStatement("int i = ((b * IN_HEIGHT + y) * IN_WIDTH + dx) * IN_CHANNELS + c")
                .addStatement("int o = r * OUT_WIDTH * FILTERS + f$L", minus(shifted));
        shiftParameter(m, shifted);
        columnPairs(m, true, (column, d) -> kernelGradientStep(m, column, d, count, 2));
        m.endControlFlow();
        addToKernel(m, count, q -> q == 0 ? "k + f" : "k + " + q + " * FILTERS + f");
        m.endControlFlow()
                .addComment("filters beyond $L, one at a time", narrow ? "F_VEC1 (kernelGradientNarrow" + count + ")" : "F_VEC");
        return scalarFilters(m, narrow ? "F_VEC1" : "F_VEC", count, shifted).build();
    }

    /**
     * The loop over the output columns of row r in a kernel gradient, two columns per step (the step's
     * index arithmetic then serves twice the products: with AVX2's 8-float vectors a step of one column
     * issues as many integer instructions as multiply-adds), then the last column if the width is odd.
     * {@code step} writes one column's products: its column ({@code ox} or {@code (ox + 1)}) and the
     * name of its dOut vectors ({@code d} or {@code e}); {@code v} is the broadcast input.
     */
    private static void columnPairs(MethodSpec.Builder m, boolean pairs, java.util.function.BiConsumer<String, String> step) {
        m.addStatement("$T v", FLOAT_VECTOR);
        if (!pairs) {
            m.beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)");
            step.accept("ox", "d");
            m.endControlFlow();
            return;
        }
        m.addStatement("int ox = 0")
                .beginControlFlow("for (; ox + 1 < OUT_WIDTH; ox += 2)");
        step.accept("ox", "d");
        step.accept("(ox + 1)", "e");
        m.endControlFlow().beginControlFlow("if (ox < OUT_WIDTH)");
        step.accept("ox", "d");
        m.endControlFlow();
    }

    /**
     * One output column's products in a kernel gradient: loads {@code vectors} vectors of dOut at the
     * column (named {@code d0, d1, ..} or {@code e0, ..}) and, for each of {@code channels} input channels,
     * broadcasts the input value at the tap into {@code v} and adds its products to {@code a<channel><vector>}.
     */
    private static void kernelGradientStep(MethodSpec.Builder m, String column, String d, int channels, int vectors) {
        loadVectors(m, d, "dOut", "o + " + column + " * FILTERS", vectors);
        for (int q = 0; q < channels; q++) {
            m.addStatement("v = $T.broadcast(S, in[i + $L * STRIDE_WIDTH * IN_CHANNELS$L])", FLOAT_VECTOR, column,
                    q == 0 ? "" : " + " + q);
            for (int v = 0; v < vectors; v++) {
                m.addStatement("a$L$L = v.fma($L$L, a$L$L)", q, v, d, v, q, v);
            }
        }
    }

    /**
     * {@code kernelGradientNarrowN}: dKernel for tap {@code tap}, input channels {@code c .. c + count - 1}
     * (count 4 or 1), filters {@code F_VEC .. F_VEC1 - 1} (one vector, or none on a machine where
     * F_VEC = F_VEC1): 4 accumulators, one per channel; for a single channel two, for even and odd
     * output columns, so that two chains of multiply-adds are in flight.
     */
    private static MethodSpec convKernelGradientNarrow(int count, boolean shifted) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("kernelGradientNarrow" + count).addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dKernel[tap, $L, F_VEC .. F_VEC1 - 1] += the sum over output rows {@code r0 .. r1 - 1} of in "
                        + "(at the tap) times dOut.\n", count == 1 ? "c" : "c .. c + " + (count - 1))
                .addParameter(float[].class, "in").addParameter(float[].class, "dOut").addParameter(float[].class, "dKernel")
                .addParameter(int.class, "r0").addParameter(int.class, "r1").addParameter(int.class, "tap").addParameter(int.class, "c")
                .beginControlFlow("if (F_VEC == F_VEC1)").addStatement("return").endControlFlow()
                .addStatement("int f = F_VEC")
                .addStatement("int dy = tap / KERNEL_WIDTH * DILATION_HEIGHT - PAD_TOP")
                .addStatement("int dx = tap % KERNEL_WIDTH * DILATION_WIDTH - PAD_LEFT")
                .addStatement("int k = (tap * IN_CHANNELS + c) * FILTERS")
                .addStatement("$T z = $T.zero(S)", FLOAT_VECTOR, FLOAT_VECTOR);
        shiftParameter(m, shifted);
        StringBuilder acc = new StringBuilder();
        for (int q = 0; q < Math.max(count, 2); q++) {
            acc.append(q > 0 ? ", " : "").append("a").append(q).append(" = z");
        }
        m.addStatement("$T $L", FLOAT_VECTOR, acc)
                .beginControlFlow("for (int r = r0; r < r1; r++)")
                .addStatement("int b = r / OUT_HEIGHT")
                .addStatement("int oy = r - b * OUT_HEIGHT")
                .addStatement("int y = oy * STRIDE_HEIGHT + dy")
                .addStatement("int i = ((b * IN_HEIGHT + y) * IN_WIDTH + dx) * IN_CHANNELS + c")
                .addStatement("int o = r * OUT_WIDTH * FILTERS + f$L", minus(shifted))
                .addStatement("int ox = 0");
        if (count == 1) {
            m.addComment("even and odd columns in two accumulators: two chains of multiply-adds in flight")
                    .beginControlFlow("for (; ox + 1 < OUT_WIDTH; ox += 2)")
                    .addStatement("a0 = $T.broadcast(S, in[i + ox * STRIDE_WIDTH * IN_CHANNELS]).fma($T.fromArray(S, dOut, o + ox * FILTERS), a0)",
                            FLOAT_VECTOR, FLOAT_VECTOR)
                    .addStatement("a1 = $T.broadcast(S, in[i + (ox + 1) * STRIDE_WIDTH * IN_CHANNELS])"
                            + ".fma($T.fromArray(S, dOut, o + (ox + 1) * FILTERS), a1)", FLOAT_VECTOR, FLOAT_VECTOR)
                    .endControlFlow()
                    .beginControlFlow("for (; ox < OUT_WIDTH; ox++)")
                    .addStatement("a0 = $T.broadcast(S, in[i + ox * STRIDE_WIDTH * IN_CHANNELS]).fma($T.fromArray(S, dOut, o + ox * FILTERS), a0)",
                            FLOAT_VECTOR, FLOAT_VECTOR)
                    .endControlFlow()
                    .endControlFlow()
                    .addStatement("a0.add(a1).add($T.fromArray(S, dKernel, k + f)).intoArray(dKernel, k + f)", FLOAT_VECTOR);
            return m.build();
        }
        m.beginControlFlow("for (; ox < OUT_WIDTH; ox++)")
                .addStatement("int j = i + ox * STRIDE_WIDTH * IN_CHANNELS")
                .addStatement("$T d = $T.fromArray(S, dOut, o + ox * FILTERS)", FLOAT_VECTOR, FLOAT_VECTOR);
        for (int q = 0; q < count; q++) {
            m.addStatement("a$L = $T.broadcast(S, in[j$L]).fma(d, a$L)", q, FLOAT_VECTOR, q == 0 ? "" : " + " + q, q);
        }
        m.endControlFlow().endControlFlow();
        for (int q = 0; q < count; q++) {
            String at = q == 0 ? "k + f" : "k + " + q + " * FILTERS + f";
            m.addStatement("a$L.add($T.fromArray(S, dKernel, $L)).intoArray(dKernel, $L)", q, FLOAT_VECTOR, at, at);
        }
        return m.build();
    }

    /**
     * dIn: the kernel transposed into {@code scratch} as {@code (filters, taps * channels)} in strips of
     * 2 vectors of the row (strip {@code s} holds row positions {@code [s, s + 2L)} of every filter, one
     * after the other, so that a block reads its strip contiguously; the positions beyond the last whole
     * strip form one last narrower strip); then, for blocks of {@link #GRADIENT_BLOCK} output pixels
     * ({@link #GRADIENT_BLOCK16} with 16 registers), the rows {@code dOut[pixel] . kernel^T}, each added to the
     * input positions its window covers (col2im).
     */
    private static List<MethodSpec> convInputGradient() {
        MethodSpec main = MethodSpec.methodBuilder("inputGradient").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dIn = the input gradient; {@code scratch} holds the transposed kernel in strips of 2 vectors, "
                        + "then a block's rows\nof pixels.\n")
                .addParameter(float[].class, "dOut").addParameter(float[].class, "dIn").addParameter(float[].class, "kernel")
                .addParameter(float[].class, "scratch").addParameter(int.class, "n")
                .addStatement("int rows = KERNEL_HEIGHT * KERNEL_WIDTH * IN_CHANNELS")
                .addStatement("int rowsVec = rows - rows % (2 * L)")
                .beginControlFlow("for (int j = 0; j < rows; j++)")
                .addStatement("int strip = j < rowsVec ? j - j % (2 * L) : rowsVec")
                .addStatement("int width = j < rowsVec ? 2 * L : rows - rowsVec")
                .beginControlFlow("for (int f = 0; f < FILTERS; f++)")
                .addStatement("scratch[strip * FILTERS + f * width + j - strip] = kernel[j * FILTERS + f]")
                .endControlFlow()
                .endControlFlow()
                .addStatement("$T.fill(dIn, 0, n * IN_SIZE, 0f)", java.util.Arrays.class)
                .addStatement("int pixels = n * OUT_HEIGHT * OUT_WIDTH")
                .addStatement("int p = 0")
                .beginControlFlow("if (WIDE)")
                .addCode(gradientBlocks(GRADIENT_BLOCK))
                .nextControlFlow("else")
                .addCode(gradientBlocks(GRADIENT_BLOCK16))
                .endControlFlow()
                .beginControlFlow("for (; p < pixels; p++)")
                .addStatement("rows1(dOut, scratch, p)")
                .addStatement("col2im(dIn, scratch, p, FILTERS * rows)")
                .endControlFlow()
                .build();
        return List.of(main, gradientRows(GRADIENT_BLOCK), gradientRows(GRADIENT_BLOCK16), gradientRows(1), col2im());
    }

    /** The input gradient's blocks of {@code block} pixels from {@code p}: their rows, then col2im of each. */
    private static CodeBlock gradientBlocks(int block) {
        return CodeBlock.builder()
                .beginControlFlow("for (; p + $L <= pixels; p += $L)", block, block)
                .addStatement("rows$L(dOut, scratch, p)", block)
                .beginControlFlow("for (int q = 0; q < $L; q++)", block)
                .addStatement("col2im(dIn, scratch, p + q, FILTERS * rows + q * rows)")
                .endControlFlow()
                .endControlFlow()
                .build();
    }

    /**
     * The rows {@code dOut[p + q] . kernel^T} of {@code count} pixels, after the transposed kernel in
     * scratch: 2 vectors of the row at a time (its strip), the positions beyond the strips one at a time.
     */
    private static MethodSpec gradientRows(int count) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("rows" + count).addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("scratch row q (after the transposed kernel) = dOut[p + q] . kernel^T, for q < $L.\n", count)
                .addParameter(float[].class, "dOut").addParameter(float[].class, "scratch").addParameter(int.class, "p")
                .addStatement("int rows = KERNEL_HEIGHT * KERNEL_WIDTH * IN_CHANNELS")
                .addStatement("int rowsVec = rows - rows % (2 * L)")
                .addStatement("int to = FILTERS * rows");
        rowsBlock(m, count);
        return m.beginControlFlow("for (int q = 0; q < $L; q++)", count)
                .beginControlFlow("for (int j = rowsVec; j < rows; j++)")
                .addStatement("float s = 0f")
                .beginControlFlow("for (int f = 0; f < FILTERS; f++)")
                .addStatement("s += dOut[(p + q) * FILTERS + f] * scratch[rowsVec * FILTERS + f * (rows - rowsVec) + j - rowsVec]")
                .endControlFlow()
                .addStatement("scratch[to + q * rows + j] = s")
                .endControlFlow()
                .endControlFlow()
                .build();
    }

    /** The loop over the strips of {@link #gradientRows}: {@code count} pixels by the strip's 2 vectors. */
    private static void rowsBlock(MethodSpec.Builder m, int count) {
        int vectors = 2;
        m.beginControlFlow("for (int j = 0; j < rowsVec; j += 2 * L)")
                .addStatement("$T z = $T.zero(S)", FLOAT_VECTOR, FLOAT_VECTOR);
        StringBuilder acc = new StringBuilder();
        for (int q = 0; q < count; q++) {
            for (int v = 0; v < vectors; v++) {
                acc.append(acc.length() > 0 ? ", " : "").append("a").append(q).append("_").append(v).append(" = z");
            }
        }
        m.addStatement("$T $L", FLOAT_VECTOR, acc)
                .beginControlFlow("for (int f = 0; f < FILTERS; f++)");
        loadVectors(m, "w", "scratch", "j * FILTERS + f * (2 * L)", vectors);
        for (int q = 0; q < count; q++) {
            m.addStatement("$L$T.broadcast(S, dOut[(p + $L) * FILTERS + f])", q == 0 ? "FloatVector d = " : "d = ",
                    FLOAT_VECTOR, q);
            for (int v = 0; v < vectors; v++) {
                m.addStatement("a$L_$L = d.fma(w$L, a$L_$L)", q, v, v, q, v);
            }
        }
        m.endControlFlow();
        for (int q = 0; q < count; q++) {
            for (int v = 0; v < vectors; v++) {
                m.addStatement("a$L_$L.intoArray(scratch, to + $L * rows + j$L)", q, v, q, plusVectors(v));
            }
        }
        m.endControlFlow();
    }

    private static MethodSpec col2im() {
        return MethodSpec.methodBuilder("col2im").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("Adds the row at {@code scratch[row ..]} of output pixel {@code p} to the inputs its window read.\n")
                .addParameter(float[].class, "dIn").addParameter(float[].class, "scratch").addParameter(int.class, "p")
                .addParameter(int.class, "row")
                .addStatement("int b = p / (OUT_HEIGHT * OUT_WIDTH)")
                .addStatement("int oy = p / OUT_WIDTH % OUT_HEIGHT")
                .addStatement("int ox = p % OUT_WIDTH")
                .beginControlFlow("for (int ky = 0; ky < KERNEL_HEIGHT; ky++)")
                .addStatement("int y = oy * STRIDE_HEIGHT - PAD_TOP + ky * DILATION_HEIGHT")
                .beginControlFlow("if (y < 0 || y >= IN_HEIGHT)").addStatement("continue").endControlFlow()
                .beginControlFlow("for (int kx = 0; kx < KERNEL_WIDTH; kx++)")
                .addStatement("int x = ox * STRIDE_WIDTH - PAD_LEFT + kx * DILATION_WIDTH")
                .beginControlFlow("if (x < 0 || x >= IN_WIDTH)").addStatement("continue").endControlFlow()
                .addStatement("int i = ((b * IN_HEIGHT + y) * IN_WIDTH + x) * IN_CHANNELS")
                .addStatement("int j = row + (ky * KERNEL_WIDTH + kx) * IN_CHANNELS")
                .addStatement("int c = 0")
                .beginControlFlow("for (; c < S.loopBound(IN_CHANNELS); c += L)")
                .addStatement("$T.fromArray(S, dIn, i + c).add($T.fromArray(S, scratch, j + c)).intoArray(dIn, i + c)",
                        FLOAT_VECTOR, FLOAT_VECTOR)
                .endControlFlow()
                .beginControlFlow("for (; c < IN_CHANNELS; c++)")
                .addStatement("dIn[i + c] += scratch[j + c]")
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .build();
    }

    /** Scratch floats the convolution's vector backward needs: the transposed kernel and {@link #GRADIENT_BLOCK} rows. */
    static long convScratch(long taps, long channels, long filters) {
        return taps * channels * (filters + Math.max(GRADIENT_BLOCK, BLOCK16));
    }

    // ---------------------------------------------------------------------------------------------
    // Dense

    /** {@code forward} of a dense layer: blocks of 4 examples by 2 vectors of units. */
    static List<MethodSpec> denseForward(boolean bias, boolean activation, String doc) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc(doc)
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "kernel");
        if (bias) {
            m.addParameter(float[].class, "bias");
        }
        m.addParameter(int.class, "n").addCode(rowsProduct("in", "0", "out", "0", "kernel", bias ? "bias" : "null", "n"));
        if (activation) {
            m.addStatement("activate(out, n)");
        }
        return List.of(m.build(), denseExamples(4, "INPUTS", "UNITS"), denseExamples(1, "INPUTS", "UNITS"));
    }

    /**
     * {@code out[outAt + r * units, ...] = in[inAt + r * inputs, ...] . kernel (+ bias)} for rows
     * {@code r < rows}, 4 rows at a time: a dense layer's examples, or a 1x1 convolution's pixels.
     */
    static CodeBlock rowsProduct(String in, String inAt, String out, String outAt, String kernel, String bias,
            String rows) {
        return CodeBlock.builder()
                .addStatement("int r = 0")
                .beginControlFlow("for (; r + 4 <= $L; r += 4)", rows)
                .addStatement("examples4($L, $L, $L, $L, $L, $L, r)", in, inAt, out, outAt, kernel, bias)
                .endControlFlow()
                .beginControlFlow("for (; r < $L; r++)", rows)
                .addStatement("examples1($L, $L, $L, $L, $L, $L, r)", in, inAt, out, outAt, kernel, bias)
                .endControlFlow()
                .build();
    }

    /**
     * {@code examples1}/{@code examples4}: {@code count} (1 or 4) rows from {@code b}, every unit, in
     * {@code 2 count} vector registers; rows of {@code inputs} floats from {@code inAt} in {@code in},
     * of {@code units} from {@code outAt} in {@code out}.
     */
    static MethodSpec denseExamples(int count, String inputs, String units) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("examples" + count).addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("Rows {@code b .. b + $L}, every unit.\n", count - 1)
                .addParameter(float[].class, "in").addParameter(int.class, "inAt").addParameter(float[].class, "out")
                .addParameter(int.class, "outAt").addParameter(float[].class, "kernel")
                .addParameter(float[].class, "bias").addParameter(int.class, "b")
                .addStatement("int i0 = inAt + b * $L", inputs)
                .beginControlFlow("for (int u = 0; u < F_VEC; u += 2 * L)")
                .addStatement("$T z0 = bias == null ? $T.zero(S) : $T.fromArray(S, bias, u)", FLOAT_VECTOR, FLOAT_VECTOR,
                        FLOAT_VECTOR)
                .addStatement("$T z1 = bias == null ? $T.zero(S) : $T.fromArray(S, bias, u + L)", FLOAT_VECTOR, FLOAT_VECTOR,
                        FLOAT_VECTOR)
                .addStatement("$T $L", FLOAT_VECTOR, accumulators(count, "z0", "z1"))
                .beginControlFlow("for (int i = 0, k = u; i < $L; i++, k += $L)", inputs, units)
                .addStatement("$T k0 = $T.fromArray(S, kernel, k)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T k1 = $T.fromArray(S, kernel, k + L)", FLOAT_VECTOR, FLOAT_VECTOR);
        for (int q = 0; q < count; q++) {
            m.addStatement("$L$T.broadcast(S, in[i0 + $Li])", q == 0 ? "FloatVector v = " : "v = ", FLOAT_VECTOR,
                    q == 0 ? "" : q + " * " + inputs + " + ")
                    .addStatement("a$L0 = v.fma(k0, a$L0)", q, q)
                    .addStatement("a$L1 = v.fma(k1, a$L1)", q, q);
        }
        m.endControlFlow().addStatement("int o = outAt + b * $L + u", units);
        for (int q = 0; q < count; q++) {
            String at = q == 0 ? "o" : "o + " + q + " * " + units;
            m.addStatement("a$L0.intoArray(out, $L)", q, at).addStatement("a$L1.intoArray(out, $L + L)", q, at);
        }
        return m.endControlFlow()
                .addComment("units beyond F_VEC, one at a time")
                .beginControlFlow("for (int q = 0; q < $L; q++)", count)
                .beginControlFlow("for (int u = F_VEC; u < $L; u++)", units)
                .addStatement("float s = bias == null ? 0f : bias[u]")
                .beginControlFlow("for (int i = 0; i < $L; i++)", inputs)
                .addStatement("s += in[i0 + q * $L + i] * kernel[i * $L + u]", inputs, units)
                .endControlFlow()
                .addStatement("out[outAt + (b + q) * $L + u] = s", units)
                .endControlFlow()
                .endControlFlow()
                .build();
    }

    /** {@code backward} of a dense layer as the 1x1 convolution it is (see the convolution's). */
    static List<MethodSpec> denseBackward(boolean bias, boolean inputGradient, String doc) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc(doc)
                .addParameter(float[].class, "in").addParameter(float[].class, "dOut");
        if (inputGradient) {
            m.addParameter(float[].class, "dIn");
        }
        m.addParameter(float[].class, "kernel").addParameter(float[].class, "dKernel");
        if (bias) {
            m.addParameter(float[].class, "dBias");
        }
        if (inputGradient) {
            m.addParameter(float[].class, "scratch");
        }
        m.addParameter(int.class, "n");
        if (bias) {
            m.addStatement("biasGradient(dOut, dBias, 0, n)");
        }
        m.addCode(kernelGradientRows("in", "0", "dOut", "0", "dKernel", "n", "INPUTS"));
        if (inputGradient) {
            m.addStatement("transposeKernel(kernel, scratch, 0)")
                    .addStatement("inputGradient(dOut, 0, dIn, 0, scratch, 0, n)");
        }
        List<MethodSpec> methods = new java.util.ArrayList<>();
        methods.add(m.build());
        methods.addAll(denseGradients("INPUTS", "UNITS", inputGradient));
        if (bias) {
            methods.add(biasGradient("UNITS"));
        }
        return methods;
    }

    /** {@code dKernel += in^T dOut} over {@code rows} rows, 4 inputs at a time ({@code kernelGradient1/4}). */
    static CodeBlock kernelGradientRows(String in, String inAt, String dOut, String dOutAt, String dKernel, String rows,
            String inputs) {
        return CodeBlock.builder()
                .addStatement("int i = 0")
                .beginControlFlow("for (; i + 4 <= $L; i += 4)", inputs)
                .addStatement("kernelGradient4($L, $L, $L, $L, $L, $L, i)", in, inAt, dOut, dOutAt, dKernel, rows)
                .endControlFlow()
                .beginControlFlow("for (; i < $L; i++)", inputs)
                .addStatement("kernelGradient1($L, $L, $L, $L, $L, $L, i)", in, inAt, dOut, dOutAt, dKernel, rows)
                .endControlFlow()
                .build();
    }

    /**
     * The gradient kernels of a product of rows by a kernel of {@code (inputs, units)}:
     * {@code kernelGradient1/4}, and if asked {@code transposeKernel} and {@code inputGradient}.
     */
    static List<MethodSpec> denseGradients(String inputs, String units, boolean inputGradient) {
        List<MethodSpec> methods = new java.util.ArrayList<>();
        methods.add(denseKernelGradient(4, inputs, units));
        methods.add(denseKernelGradient(1, inputs, units));
        if (inputGradient) {
            methods.add(transposeKernel(inputs, units));
            methods.addAll(denseInputGradient(inputs, units));
        }
        return methods;
    }

    private static MethodSpec denseKernelGradient(int count, String inputs, String units) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("kernelGradient" + count).addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dKernel[i .. i + $L, :] += the sum over rows b of in[inAt + b, i] dOut[dOutAt + b, :].\n",
                        count - 1)
                .addParameter(float[].class, "in").addParameter(int.class, "inAt").addParameter(float[].class, "dOut")
                .addParameter(int.class, "dOutAt").addParameter(float[].class, "dKernel")
                .addParameter(int.class, "n").addParameter(int.class, "i")
                .beginControlFlow("for (int u = 0; u < F_VEC; u += 2 * L)")
                .addStatement("$T $L", FLOAT_VECTOR, accumulators(count, "FloatVector.zero(S)", "FloatVector.zero(S)"))
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .addStatement("int x = inAt + b * $L + i", inputs)
                .addStatement("int y = dOutAt + b * $L + u", units)
                .addStatement("$T d0 = $T.fromArray(S, dOut, y)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T d1 = $T.fromArray(S, dOut, y + L)", FLOAT_VECTOR, FLOAT_VECTOR);
        for (int q = 0; q < count; q++) {
            m.addStatement("$L$T.broadcast(S, in[x$L])", q == 0 ? "FloatVector v = " : "v = ", FLOAT_VECTOR,
                    q == 0 ? "" : " + " + q)
                    .addStatement("a$L0 = v.fma(d0, a$L0)", q, q)
                    .addStatement("a$L1 = v.fma(d1, a$L1)", q, q);
        }
        m.endControlFlow().addStatement("int k = i * $L + u", units);
        for (int q = 0; q < count; q++) {
            String at = q == 0 ? "k" : "k + " + q + " * " + units;
            m.addStatement("a$L0.add($T.fromArray(S, dKernel, $L)).intoArray(dKernel, $L)", q, FLOAT_VECTOR, at, at)
                    .addStatement("a$L1.add($T.fromArray(S, dKernel, $L + L)).intoArray(dKernel, $L + L)", q, FLOAT_VECTOR,
                            at, at);
        }
        return m.endControlFlow()
                .addComment("units beyond F_VEC, one at a time")
                .beginControlFlow("for (int q = 0; q < $L; q++)", count)
                .beginControlFlow("for (int u = F_VEC; u < $L; u++)", units)
                .addStatement("float s = 0f")
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .addStatement("s += in[inAt + b * $L + i + q] * dOut[dOutAt + b * $L + u]", inputs, units)
                .endControlFlow()
                .addStatement("dKernel[(i + q) * $L + u] += s", units)
                .endControlFlow()
                .endControlFlow()
                .build();
    }

    private static MethodSpec transposeKernel(String inputs, String units) {
        return MethodSpec.methodBuilder("transposeKernel").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("The kernel transposed into {@code transposed} from {@code at}, as ($L, $L).\n", units, inputs)
                .addParameter(float[].class, "kernel").addParameter(float[].class, "transposed").addParameter(int.class, "at")
                .beginControlFlow("for (int i = 0; i < $L; i++)", inputs)
                .beginControlFlow("for (int u = 0; u < $L; u++)", units)
                .addStatement("transposed[at + u * $L + i] = kernel[i * $L + u]", inputs, units)
                .endControlFlow()
                .endControlFlow()
                .build();
    }

    /**
     * {@code inputGradient}: dIn = dOut . kernel^T, 4 rows at a time by 2 vectors of inputs (8
     * accumulators: one row's 2 would wait on the FMA's latency, each of them taking one product per
     * step, a quarter of the FMA units' rate), the rest of the inputs and the last rows one row at a
     * time ({@code inputGradientRow}); each value sums over the units in order, as one row alone would.
     */
    private static List<MethodSpec> denseInputGradient(String inputs, String units) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("inputGradient").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dIn[dInAt + b, :] = dOut[dOutAt + b, :] . kernel^T for rows b < n, from the kernel transposed by\n"
                        + "{@code transposeKernel} at {@code at}.\n")
                .addParameter(float[].class, "dOut").addParameter(int.class, "dOutAt").addParameter(float[].class, "dIn")
                .addParameter(int.class, "dInAt").addParameter(float[].class, "transposed").addParameter(int.class, "at")
                .addParameter(int.class, "n")
                .addStatement("int inVec = $L - $L % (2 * L)", inputs, inputs)
                .addStatement("int b = 0")
                .beginControlFlow("for (; b + 4 <= n; b += 4)")
                .addStatement("int o = dOutAt + b * $L", units)
                .addStatement("int g = dInAt + b * $L", inputs)
                .beginControlFlow("for (int i = 0; i < inVec; i += 2 * L)")
                .addStatement("$T z = $T.zero(S)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T $L", FLOAT_VECTOR, accumulators(4, "z", "z"))
                .beginControlFlow("for (int u = 0; u < $L; u++)", units)
                .addStatement("$T w0 = $T.fromArray(S, transposed, at + u * $L + i)", FLOAT_VECTOR, FLOAT_VECTOR, inputs)
                .addStatement("$T w1 = $T.fromArray(S, transposed, at + u * $L + i + L)", FLOAT_VECTOR, FLOAT_VECTOR, inputs);
        for (int q = 0; q < 4; q++) {
            m.addStatement("$L$T.broadcast(S, dOut[o + $Lu])", q == 0 ? "FloatVector d = " : "d = ", FLOAT_VECTOR,
                    q == 0 ? "" : q + " * " + units + " + ")
                    .addStatement("a$L0 = d.fma(w0, a$L0)", q, q)
                    .addStatement("a$L1 = d.fma(w1, a$L1)", q, q);
        }
        m.endControlFlow();
        for (int q = 0; q < 4; q++) {
            String at = q == 0 ? "g + i" : "g + " + q + " * " + inputs + " + i";
            m.addStatement("a$L0.intoArray(dIn, $L)", q, at).addStatement("a$L1.intoArray(dIn, $L + L)", q, at);
        }
        m.endControlFlow()
                .beginControlFlow("for (int q = 0; q < 4; q++)")
                .addStatement("inputGradientRow(dOut, o + q * $L, dIn, g + q * $L, transposed, at, inVec)", units, inputs)
                .endControlFlow()
                .endControlFlow()
                .beginControlFlow("for (; b < n; b++)")
                .addStatement("inputGradientRow(dOut, dOutAt + b * $L, dIn, dInAt + b * $L, transposed, at, 0)", units, inputs)
                .endControlFlow();
        MethodSpec row = MethodSpec.methodBuilder("inputGradientRow").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dIn[g + i] = dOut[o ..] . kernel^T's column i, for inputs i from {@code from}: 2 vectors, then one, "
                        + "then one\ninput at a time.\n")
                .addParameter(float[].class, "dOut").addParameter(int.class, "o").addParameter(float[].class, "dIn")
                .addParameter(int.class, "g").addParameter(float[].class, "transposed").addParameter(int.class, "at")
                .addParameter(int.class, "from")
                .addStatement("int inVec = $L - $L % (2 * L)", inputs, inputs)
                .addStatement("int i = from")
                .beginControlFlow("for (; i < inVec; i += 2 * L)")
                .addStatement("$T a0 = $T.zero(S), a1 = a0", FLOAT_VECTOR, FLOAT_VECTOR)
                .beginControlFlow("for (int u = 0; u < $L; u++)", units)
                .addStatement("$T d = $T.broadcast(S, dOut[o + u])", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("a0 = d.fma($T.fromArray(S, transposed, at + u * $L + i), a0)", FLOAT_VECTOR, inputs)
                .addStatement("a1 = d.fma($T.fromArray(S, transposed, at + u * $L + i + L), a1)", FLOAT_VECTOR, inputs)
                .endControlFlow()
                .addStatement("a0.intoArray(dIn, g + i)")
                .addStatement("a1.intoArray(dIn, g + i + L)")
                .endControlFlow()
                .beginControlFlow("for (; i + L <= $L; i += L)", inputs)
                .addStatement("$T a = $T.zero(S)", FLOAT_VECTOR, FLOAT_VECTOR)
                .beginControlFlow("for (int u = 0; u < $L; u++)", units)
                .addStatement("a = $T.broadcast(S, dOut[o + u]).fma($T.fromArray(S, transposed, at + u * $L + i), a)",
                        FLOAT_VECTOR, FLOAT_VECTOR, inputs)
                .endControlFlow()
                .addStatement("a.intoArray(dIn, g + i)")
                .endControlFlow()
                .beginControlFlow("for (; i < $L; i++)", inputs)
                .addStatement("float s = 0f")
                .beginControlFlow("for (int u = 0; u < $L; u++)", units)
                .addStatement("s += dOut[o + u] * transposed[at + u * $L + i]", inputs)
                .endControlFlow()
                .addStatement("dIn[g + i] = s")
                .endControlFlow()
                .build();
        return List.of(m.build(), row);
    }
}
