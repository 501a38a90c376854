package dev.cnnc.compiler.codegen.vector;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import dev.cnnc.compiler.codegen.LayerSite;
import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.Geometry2D;
import dev.cnnc.compiler.ir.Padding;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The forward pass of a 3x3 convolution with strides and dilation 1 by Winograd's minimal filtering
 * F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016): each 2-by-2
 * tile of output pixels is {@code A^T [(G g G^T) . (B^T d B)] A} of its 4-by-4 input window {@code d},
 * 16 products per input channel and filter where the direct sum takes 36. The kernel's transform
 * {@code U = G g G^T} is computed once per call, the tiles' inputs {@code V = B^T d B} a group of
 * {@code GROUP} tiles at a time, then for each of the 16 positions {@code xi} of a tile a matrix product
 * {@code M[xi] = V[xi] U[xi]} (tiles by input channels times input channels by filters) in register blocks
 * of 4 tiles by 2 vectors of filters (4 with 32 registers), and {@code Y = A^T M A} back to the output.
 *
 * <p>The values are those of the direct convolution to rounding (the transforms add and halve; a
 * 3x3 convolution from 32 channels to 64 differed by at most 1e-6 of its largest output), not its
 * bits: {@code -Dcnnc.winograd=false} runs the direct sums. An odd-sized output's last tile reads its
 * window's fourth row or column as a repeat of the third: in F(2x2, 3x3) only the tile's second row or
 * column of outputs (cropped) depends on it.
 *
 * <p>The same layers' kernel gradient takes it too ({@link #kernelGradientMethods}); their input
 * gradient keeps the direct sums.
 */
final class VectorWinograd {
    private static final ClassName FLOAT_VECTOR = VectorTypes.FLOAT_VECTOR;
    private static final ClassName VECTOR_SUPPORT = ClassName.get(dev.cnnc.runtime.VectorSupport.class);

    /** Tiles per group: their transformed inputs (GROUP x channels per position) and products stay in L1 and L2. */
    static final int GROUP = 32;

    /** Tiles in a register block of the products. */
    private static final int TILE_BLOCK = 4;

    /**
     * Tiles of a call under which the direct sums run: the kernel's transform, once per call, costs
     * about what Winograd saves on a few tiles (one 11x11 example of 3x3 from 32 channels to 64 is 36).
     */
    static final int MIN_TILES = 64;

    /** Floats between the 16 positions' planes beyond their data: the planes do not all map to the same L1 sets. */
    private static final int PLANE_PAD = 16;

    private VectorWinograd() {}

    /**
     * True for a valid convolution (a padded one's nested valid convolution) of a 3x3 kernel, strides
     * and dilation 1, at least 8 input channels and filters, whose output tiles are filled well enough
     * that the 16 products per tile beat the direct 9 per pixel by half (not a 3x3 output: 81 products
     * against 64).
     */
    static boolean applies(Conv2DLayer l) {
        Geometry2D g = l.geometry();
        if (g.kernelHeight() != 3 || g.kernelWidth() != 3 || g.strideHeight() != 1 || g.strideWidth() != 1
                || g.dilationHeight() != 1 || g.dilationWidth() != 1 || g.padding() != Padding.VALID
                || l.inputChannels() < 8 || l.filters() < 8 || !g.channelsLast()) {
            return false;
        }
        long direct = 9L * g.outHeight() * g.outWidth();
        long winograd = 16L * tilesHigh(g) * tilesWide(g);
        return 2 * direct >= 3 * winograd;
    }

    private static int tilesHigh(Geometry2D g) {
        return (g.outHeight() + 1) / 2;
    }

    private static int tilesWide(Geometry2D g) {
        return (g.outWidth() + 1) / 2;
    }

    /** Multiply-adds of one example's Winograd forward pass: 16 per tile, input channel and filter (the transforms' adds aside). */
    static long multiplyAdds(Conv2DLayer l) {
        Geometry2D g = l.geometry();
        return 16L * tilesHigh(g) * tilesWide(g) * l.inputChannels() * l.filters();
    }

    /** Floats of the forward pass's scratch: the transformed kernel, one group's inputs and products. */
    static long scratchFloats(Conv2DLayer l) {
        long c = l.inputChannels();
        long f = l.filters();
        return 16 * (c * f + PLANE_PAD) + 16 * (GROUP * c + PLANE_PAD) + 16 * (GROUP * f + PLANE_PAD);
    }

    /** The constants of the Winograd pass (after {@link VectorKernels#constants}: it reads L and WIDE). */
    static List<FieldSpec> constants(Conv2DLayer l) {
        Geometry2D g = l.geometry();
        int c = l.inputChannels();
        int f = l.filters();
        int uStride = c * f + PLANE_PAD;
        int vStride = GROUP * c + PLANE_PAD;
        int mStride = GROUP * f + PLANE_PAD;
        return List.of(
                FieldSpec.builder(boolean.class, "WINOGRAD", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("$T.WINOGRAD && IN_CHANNELS % L == 0 && FILTERS % (2 * L) == 0", VECTOR_SUPPORT)
                        .addJavadoc("Winograd's F(2x2, 3x3) for batches of at least MIN_TILES tiles: channels in whole vectors and\n"
                                + "filters in pairs of them, and not turned off (-Dcnnc.winograd=false).\n").build(),
                FieldSpec.builder(boolean.class, "WINOGRAD4", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("WIDE && FILTERS % (4 * L) == 0")
                        .addJavadoc("Products in blocks of 4 tiles by 4 vectors of filters (32 registers), else by 2.\n").build(),
                constant("TILES_HIGH", tilesHigh(g), "Tiles of 2x2 output pixels per column (the last one cropped where the height is odd)."),
                constant("TILES_WIDE", tilesWide(g), "Tiles of 2x2 output pixels per row (the last one cropped where the width is odd)."),
                constant("TILES", tilesHigh(g) * tilesWide(g), "Tiles per example."),
                constant("GROUP", GROUP, "Tiles transformed, multiplied and transformed back together."),
                constant("MIN_TILES", MIN_TILES, "Tiles of a call under which the direct sums run (the kernel's transform would cost more\nthan Winograd saves)."),
                constant("U_STRIDE", uStride, "Floats per position of the transformed kernel U[16][IN_CHANNELS][FILTERS] (with a pad)."),
                constant("V_AT", 16 * uStride, "Where the group's transformed inputs V[16][GROUP][IN_CHANNELS] start."),
                constant("V_STRIDE", vStride, "Floats per position of V (with a pad)."),
                constant("M_AT", 16 * uStride + 16 * vStride, "Where the group's products M[16][GROUP][FILTERS] start."),
                constant("M_STRIDE", mStride, "Floats per position of M (with a pad)."));
    }

    private static FieldSpec constant(String name, int value, String doc) {
        return LayerSite.constant(name, value).toBuilder().addJavadoc(doc + "\n").build();
    }

    /**
     * {@code forward(in, out, kernel[, bias], scratch, n)}, which runs Winograd where {@code WINOGRAD} and the
     * batch has at least {@code MIN_TILES} tiles, else the direct {@code forward}; and its methods.
     *
     * @param activation an activation other than relu to apply after ({@code activate(out, n)})
     */
    static List<MethodSpec> methods(boolean bias, boolean relu, boolean activation) {
        String b = bias ? ", bias" : "";
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("The forward pass with {@code scratch} of SCRATCH_FLOATS: Winograd's F(2x2, 3x3) where WINOGRAD and the\n"
                        + "batch has MIN_TILES tiles or more, else the direct sums ({@code forward} without scratch).\n")
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "kernel");
        if (bias) {
            forward.addParameter(float[].class, "bias");
        }
        forward.addParameter(float[].class, "scratch").addParameter(int.class, "n")
                .beginControlFlow("if (!WINOGRAD || n * TILES < MIN_TILES)")
                .addStatement("forward(in, out, kernel$L, n)", b)
                .addStatement("return")
                .endControlFlow()
                .addStatement("winogradKernel(kernel, scratch)")
                .addStatement("int tiles = n * TILES")
                .beginControlFlow("for (int t = 0; t < tiles; t += GROUP)")
                .addComment("the last group ends at the last tile, over tiles already done (the same values again)")
                .addStatement("int first = Math.min(t, tiles - GROUP)")
                .addStatement("winogradInput(in, scratch, first, GROUP)")
                .addStatement("winogradProducts(scratch)")
                .addStatement("winogradOutput(out$L, scratch, first)", b)
                .endControlFlow();
        if (activation) {
            forward.addStatement("activate(out, n)");
        }
        List<MethodSpec> methods = new ArrayList<>();
        methods.add(forward.build());
        methods.add(kernelTransform());
        methods.add(inputTransform());
        methods.add(products());
        methods.add(productBlock(2));
        methods.add(productBlock(4));
        methods.add(outputTransform(bias, relu));
        return methods;
    }

    /** U[xi][c][f] = (G g G^T)[xi] for every input channel and filter, g the 3x3 taps. */
    private static MethodSpec kernelTransform() {
        MethodSpec.Builder m = perKernelVector("winogradKernel", "U = G g G^T, for each input channel and vector of filters: g the "
                + "kernel's 3x3 taps, G = [1 0 0;\n1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]; U[xi][c][f] at {@code xi * U_STRIDE + c * FILTERS + f}.\n",
                "kernel", "s", "k");
        for (int ky = 0; ky < 3; ky++) {
            for (int kx = 0; kx < 3; kx++) {
                int t = ky * 3 + kx;
                m.addStatement("$T g$L$L = $T.fromArray(S, kernel, k$L)", FLOAT_VECTOR, ky, kx, FLOAT_VECTOR,
                        t == 0 ? "" : t == 1 ? " + tap" : " + " + t + " * tap");
            }
        }
        m.addComment("G g: rows g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2");
        for (int kx = 0; kx < 3; kx++) {
            m.addStatement("$T e$L = g0$L.add(g2$L)", FLOAT_VECTOR, kx, kx, kx);
            m.addStatement("$T h1$L = e$L.add(g1$L).mul(0.5f)", FLOAT_VECTOR, kx, kx, kx);
            m.addStatement("$T h2$L = e$L.sub(g1$L).mul(0.5f)", FLOAT_VECTOR, kx, kx, kx);
        }
        m.addComment("then (G g) G^T, row by row: columns r0, (r0 + r1 + r2) / 2, (r0 - r1 + r2) / 2, r2");
        String[] rows = {"g0", "h1", "h2", "g2"};
        for (int i = 0; i < 4; i++) {
            String r = rows[i];
            int xi = 4 * i;
            m.addStatement("$L0.intoArray(s, $L)", r, at(xi, "k"));
            m.addStatement("$T o$L = $L0.add($L2)", FLOAT_VECTOR, i, r, r);
            m.addStatement("o$L.add($L1).mul(0.5f).intoArray(s, $L)", i, r, at(xi + 1, "k"));
            m.addStatement("o$L.sub($L1).mul(0.5f).intoArray(s, $L)", i, r, at(xi + 2, "k"));
            m.addStatement("$L2.intoArray(s, $L)", r, at(xi + 3, "k"));
        }
        return m.endControlFlow().endControlFlow().build();
    }

    /**
     * A method {@code name(first, second)} of two float arrays, open inside its loops over input channels
     * {@code c} and vectors of filters {@code f}, with {@code index = c * FILTERS + f} and {@code tap}, the
     * kernel's distance between taps.
     */
    private static MethodSpec.Builder perKernelVector(String name, String doc, String first, String second, String index) {
        return MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.STATIC).addJavadoc(doc)
                .addParameter(float[].class, first).addParameter(float[].class, second)
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                .beginControlFlow("for (int f = 0; f < FILTERS; f += L)")
                .addStatement("int $L = c * FILTERS + f", index)
                .addStatement("int tap = IN_CHANNELS * FILTERS");
    }

    /**
     * A method {@code name(array, s, first, count)}, open inside its loop over tiles {@code j} of a group,
     * with {@code t}, the tile's number across examples, and {@code y} and {@code x}, its first pixel's row
     * and column in the output.
     */
    private static MethodSpec.Builder perTile(String name, String doc, String array) {
        return MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.STATIC).addJavadoc(doc)
                .addParameter(float[].class, array).addParameter(float[].class, "s").addParameter(int.class, "first")
                .addParameter(int.class, "count")
                .beginControlFlow("for (int j = 0; j < count; j++)")
                .addStatement("int t = first + j")
                .addStatement("int y = t % TILES / TILES_WIDE * 2")
                .addStatement("int x = t % TILES_WIDE * 2");
    }

    /** {@code from + xi * U_STRIDE}: position {@code xi}'s plane of U. */
    private static String at(int xi, String from) {
        return xi == 0 ? from : xi == 1 ? "U_STRIDE + " + from : xi + " * U_STRIDE + " + from;
    }

    /** V[xi][j][c] = (B^T d B)[xi] of the group's tiles. */
    private static MethodSpec inputTransform() {
        MethodSpec.Builder m = perTile("winogradInput", "V = B^T d B of tiles {@code first .. first + count - 1} (counted across "
                + "examples), d each tile's 4x4\nwindow, B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]; V[xi][j][c] at\n"
                + "{@code V_AT + xi * V_STRIDE + j * IN_CHANNELS + c}.\n", "in")
                .addComment("the window's rows and columns; beyond an odd-sized output's input, the fourth repeats the third")
                .addStatement("int row = IN_WIDTH * IN_CHANNELS")
                .addStatement("int r0 = ((t / TILES * IN_HEIGHT + y) * IN_WIDTH + x) * IN_CHANNELS")
                .addStatement("int r1 = r0 + row")
                .addStatement("int r2 = r1 + row")
                .addStatement("int r3 = y + 3 < IN_HEIGHT ? r2 + row : r2")
                .addStatement("int x3 = x + 3 < IN_WIDTH ? 3 * IN_CHANNELS : 2 * IN_CHANNELS")
                .addStatement("int v = V_AT + j * IN_CHANNELS")
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c += L)");
        // row i of B^T d is a difference or sum of two rows of d; each row of B^T d B then four of its columns
        String[][] rows = {{"r0", "r2", "sub"}, {"r1", "r2", "add"}, {"r2", "r1", "sub"}, {"r1", "r3", "sub"}};
        m.addComment("B^T d row by row (d0 - d2, d1 + d2, d2 - d1, d1 - d3), each row w then times B:")
                .addComment("w0 - w2, w1 + w2, w2 - w1, w1 - w3");
        for (int i = 0; i < 4; i++) {
            String a = rows[i][0];
            String bRow = rows[i][1];
            String op = rows[i][2];
            for (int col = 0; col < 4; col++) {
                String off = col == 0 ? "c" : col == 1 ? "IN_CHANNELS + c" : col == 2 ? "2 * IN_CHANNELS + c" : "x3 + c";
                m.addStatement((i == 0 ? "$T " : "") + "w$L = $T.fromArray(S, in, $L + $L).$L($T.fromArray(S, in, $L + $L))",
                        i == 0 ? new Object[] {FLOAT_VECTOR, col, FLOAT_VECTOR, a, off, op, FLOAT_VECTOR, bRow, off}
                                : new Object[] {col, FLOAT_VECTOR, a, off, op, FLOAT_VECTOR, bRow, off});
            }
            int xi = 4 * i;
            m.addStatement("w0.sub(w2).intoArray(s, $L)", plane(xi));
            m.addStatement("w1.add(w2).intoArray(s, $L)", plane(xi + 1));
            m.addStatement("w2.sub(w1).intoArray(s, $L)", plane(xi + 2));
            m.addStatement("w1.sub(w3).intoArray(s, $L)", plane(xi + 3));
        }
        return m.endControlFlow().endControlFlow().build();
    }

    private static String plane(int xi) {
        return xi == 0 ? "v + c" : xi == 1 ? "v + V_STRIDE + c" : "v + " + xi + " * V_STRIDE + c";
    }

    /** M[xi] = V[xi] U[xi] for the 16 positions, in register blocks. */
    private static MethodSpec products() {
        return MethodSpec.methodBuilder("winogradProducts").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("M[xi] = V[xi] U[xi] for each position xi: the group's tiles by input channels times input channels\n"
                        + "by filters, in blocks of 4 tiles by 4 vectors of filters (WINOGRAD4) or 2.\n")
                .addParameter(float[].class, "s")
                .beginControlFlow("for (int xi = 0; xi < 16; xi++)")
                .addStatement("int v = V_AT + xi * V_STRIDE")
                .addStatement("int u = xi * U_STRIDE")
                .addStatement("int m = M_AT + xi * M_STRIDE")
                .beginControlFlow("if (WINOGRAD4)")
                .beginControlFlow("for (int f = 0; f < FILTERS; f += 4 * L)")
                .beginControlFlow("for (int j = 0; j < GROUP; j += 4)")
                .addStatement("product4(s, v + j * IN_CHANNELS, u + f, m + j * FILTERS + f)")
                .endControlFlow()
                .endControlFlow()
                .nextControlFlow("else")
                .beginControlFlow("for (int f = 0; f < FILTERS; f += 2 * L)")
                .beginControlFlow("for (int j = 0; j < GROUP; j += 4)")
                .addStatement("product2(s, v + j * IN_CHANNELS, u + f, m + j * FILTERS + f)")
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .build();
    }

    /**
     * {@code productN}: 4 tiles by {@code vectors} vectors of filters of one position's product, summed
     * over the input channels (8 or 16 accumulators: 4 by 2 leaves AVX2's 16 registers room for the
     * kernel's vectors and two broadcasts, where 6 by 2 made C2 keep accumulators on the stack).
     */
    private static MethodSpec productBlock(int vectors) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("product" + vectors).addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("M[j + q][f ..] = sum over c of V[j + q][c] U[c][f ..] for tiles q = 0 .. 3 and $L vectors of filters:\n"
                        + "V's tiles from {@code v}, U's filters from {@code u}, M's from {@code m}.\n", vectors)
                .addParameter(float[].class, "s").addParameter(int.class, "v").addParameter(int.class, "u")
                .addParameter(int.class, "m");
        zeroAccumulators(m, vectors)
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++, u += FILTERS)");
        for (int w = 0; w < vectors; w++) {
            m.addStatement("$T k$L = $T.fromArray(S, s, u$L)", FLOAT_VECTOR, w, FLOAT_VECTOR, plus(w));
        }
        for (int q = 0; q < TILE_BLOCK; q++) {
            m.addStatement("$L$T.broadcast(S, s[v + $Lc])", q == 0 ? "FloatVector x = " : "x = ", FLOAT_VECTOR,
                    q == 0 ? "" : q == 1 ? "IN_CHANNELS + " : q + " * IN_CHANNELS + ");
            for (int w = 0; w < vectors; w++) {
                m.addStatement("a$L$L = x.fma(k$L, a$L$L)", q, w, w, q, w);
            }
        }
        m.endControlFlow();
        for (int q = 0; q < TILE_BLOCK; q++) {
            for (int w = 0; w < vectors; w++) {
                m.addStatement("a$L$L.intoArray(s, m$L$L)", q, w, q == 0 ? "" : q == 1 ? " + FILTERS" : " + " + q + " * FILTERS",
                        plus(w));
            }
        }
        return m.build();
    }

    /** {@code FloatVector a00 = FloatVector.zero(S), a01 = a00, ...}: the 4 by {@code vectors} accumulators of a block. */
    private static MethodSpec.Builder zeroAccumulators(MethodSpec.Builder m, int vectors) {
        StringBuilder acc = new StringBuilder();
        for (int q = 0; q < TILE_BLOCK; q++) {
            for (int w = 0; w < vectors; w++) {
                acc.append(acc.length() == 0 ? "a00 = $T.zero(S)" : ", a" + q + w + " = a00");
            }
        }
        return m.addStatement("$T " + acc, FLOAT_VECTOR, FLOAT_VECTOR);
    }

    private static String plus(int w) {
        return w == 0 ? "" : w == 1 ? " + L" : " + " + w + " * L";
    }

    /** out = A^T M A (+ bias, relu) of the group's tiles, cropped to the output. */
    private static MethodSpec outputTransform(boolean bias, boolean relu) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("winogradOutput").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("The 2x2 output pixels of tiles {@code first .. first + GROUP - 1}: A^T M A$L$L, A^T = [1 1 1 0; 0 1 -1 -1];\n"
                        + "pixels beyond an odd-sized output are not stored.\n", bias ? " + bias" : "", relu ? ", through relu" : "")
                .addParameter(float[].class, "out");
        if (bias) {
            m.addParameter(float[].class, "bias");
        }
        m.addParameter(float[].class, "s").addParameter(int.class, "first")
                .beginControlFlow("for (int j = 0; j < GROUP; j++)")
                .addStatement("int t = first + j")
                .addStatement("int y = t % TILES / TILES_WIDE * 2")
                .addStatement("int x = t % TILES_WIDE * 2")
                .addStatement("int o = ((t / TILES * OUT_HEIGHT + y) * OUT_WIDTH + x) * FILTERS")
                .addStatement("boolean right = x + 1 < OUT_WIDTH")
                .addStatement("boolean below = y + 1 < OUT_HEIGHT")
                .beginControlFlow("for (int f = 0; f < FILTERS; f += L)")
                .addStatement("int q = M_AT + j * FILTERS + f")
                .addComment("A^T M, column by column: m0 + m1 + m2 and m1 - m2 - m3 of M's rows");
        for (int col = 0; col < 4; col++) {
            m.addStatement("$T m0$L = $T.fromArray(S, s, q$L)", FLOAT_VECTOR, col, FLOAT_VECTOR, mPlane(col));
            m.addStatement("$T m1$L = $T.fromArray(S, s, q$L)", FLOAT_VECTOR, col, FLOAT_VECTOR, mPlane(4 + col));
            m.addStatement("$T m2$L = $T.fromArray(S, s, q$L)", FLOAT_VECTOR, col, FLOAT_VECTOR, mPlane(8 + col));
            m.addStatement("$T t0$L = m0$L.add(m1$L).add(m2$L)", FLOAT_VECTOR, col, col, col, col);
            m.addStatement("$T t1$L = m1$L.sub(m2$L).sub($T.fromArray(S, s, q$L))", FLOAT_VECTOR, col, col, col, FLOAT_VECTOR,
                    mPlane(12 + col));
        }
        m.addComment("then (A^T M) A: columns t0 + t1 + t2 and t1 - t2 - t3");
        String tail = (bias ? ".add(z)" : "") + (relu ? ".max(0f)" : "");
        if (bias) {
            m.addStatement("$T z = $T.fromArray(S, bias, f)", FLOAT_VECTOR, FLOAT_VECTOR);
        }
        m.addStatement("t00.add(t01).add(t02)$L.intoArray(out, o + f)", tail)
                .beginControlFlow("if (right)")
                .addStatement("t01.sub(t02).sub(t03)$L.intoArray(out, o + FILTERS + f)", tail)
                .endControlFlow()
                .beginControlFlow("if (below)")
                .addStatement("t10.add(t11).add(t12)$L.intoArray(out, o + OUT_WIDTH * FILTERS + f)", tail)
                .endControlFlow()
                .beginControlFlow("if (right && below)")
                .addStatement("t11.sub(t12).sub(t13)$L.intoArray(out, o + (OUT_WIDTH + 1) * FILTERS + f)", tail)
                .endControlFlow();
        return m.endControlFlow().endControlFlow().build();
    }

    /**
     * The kernel gradient by F(2x2, 3x3), for the backward pass: the forward pass is {@code Y = A^T [U . V] A}
     * with {@code U = G g G^T}, so {@code dU} is the sum over tiles of {@code V . (A dY A^T)} and
     * {@code dg = G^T dU G}. For each group of tiles, V as the forward pass computes it, {@code W = A dY
     * A^T} of the output gradient (zero for cropped pixels) where the forward pass keeps M, then for each
     * position {@code dU[xi] += V[xi]^T W[xi]} (input channels by the group's tiles times tiles by
     * filters) in blocks of 4 channels by 2 vectors of filters (4 with 32 registers), into the plane of U;
     * at the end {@code dKernel += G^T dU G}.
     */
    static List<MethodSpec> kernelGradientMethods() {
        MethodSpec entry = MethodSpec.methodBuilder("winogradKernelGradient").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dKernel += the kernel gradient of the first {@code n} examples by Winograd's F(2x2, 3x3): dU, the sum over\n"
                        + "tiles of V . (A dY A^T), in U's planes of {@code s}, then G^T dU G.\n")
                .addParameter(float[].class, "in").addParameter(float[].class, "dOut").addParameter(float[].class, "dKernel")
                .addParameter(float[].class, "s").addParameter(int.class, "n")
                .addStatement("$T.fill(s, 0, 16 * U_STRIDE, 0f)", java.util.Arrays.class)
                .addStatement("int tiles = n * TILES")
                .beginControlFlow("for (int t = 0; t < tiles; t += GROUP)")
                .addStatement("int count = Math.min(GROUP, tiles - t)")
                .addStatement("winogradInput(in, s, t, count)")
                .addStatement("winogradOutputGradient(dOut, s, t, count)")
                .beginControlFlow("for (int xi = 0; xi < 16; xi++)")
                .addStatement("int v = V_AT + xi * V_STRIDE")
                .addStatement("int w = M_AT + xi * M_STRIDE")
                .addStatement("int u = xi * U_STRIDE")
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c += 4)")
                .beginControlFlow("if (WINOGRAD4)")
                .beginControlFlow("for (int f = 0; f < FILTERS; f += 4 * L)")
                .addStatement("gradientProduct4(s, v + c, w + f, u + c * FILTERS + f, count)")
                .endControlFlow()
                .nextControlFlow("else")
                .beginControlFlow("for (int f = 0; f < FILTERS; f += 2 * L)")
                .addStatement("gradientProduct2(s, v + c, w + f, u + c * FILTERS + f, count)")
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .addStatement("winogradKernelBack(s, dKernel)")
                .build();
        return List.of(entry, outputGradientTransform(), gradientProduct(2), gradientProduct(4), kernelBack());
    }

    /** W[xi][j][f] = (A dY A^T)[xi] of the group's tiles, where the forward pass keeps M. */
    private static MethodSpec outputGradientTransform() {
        MethodSpec.Builder m = perTile("winogradOutputGradient", "W = A dY A^T of tiles {@code first .. first + count - 1}, dY "
                + "each tile's 2x2 output gradient (0 for pixels\nbeyond an odd-sized output: their loads repeat the tile's first "
                + "pixel, times 0), A = [1 0; 1 1; 1 -1; 0 -1];\nW[xi][j][f] at {@code M_AT + xi * M_STRIDE + j * FILTERS + f}.\n",
                "dOut")
                .addStatement("int o = ((t / TILES * OUT_HEIGHT + y) * OUT_WIDTH + x) * FILTERS")
                .addStatement("boolean right = x + 1 < OUT_WIDTH")
                .addStatement("boolean below = y + 1 < OUT_HEIGHT")
                .addStatement("int o01 = right ? o + FILTERS : o")
                .addStatement("int o10 = below ? o + OUT_WIDTH * FILTERS : o")
                .addStatement("int o11 = right && below ? o + (OUT_WIDTH + 1) * FILTERS : o")
                .addStatement("float k01 = right ? 1f : 0f")
                .addStatement("float k10 = below ? 1f : 0f")
                .addStatement("float k11 = right && below ? 1f : 0f")
                .addStatement("int w = M_AT + j * FILTERS")
                .beginControlFlow("for (int f = 0; f < FILTERS; f += L)")
                .addStatement("$T d00 = $T.fromArray(S, dOut, o + f)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T d01 = $T.fromArray(S, dOut, o01 + f).mul(k01)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T d10 = $T.fromArray(S, dOut, o10 + f).mul(k10)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T d11 = $T.fromArray(S, dOut, o11 + f).mul(k11)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addComment("A dY: rows d0, d0 + d1, d0 - d1, -d1; each row [p q] then times A^T: p, p + q, p - q, -q");
        String[][] rows = {{"d00", "d01"}, {"d00.add(d10)", "d01.add(d11)"}, {"d00.sub(d10)", "d01.sub(d11)"},
            {"d10.neg()", "d11.neg()"}};
        for (int i = 0; i < 4; i++) {
            m.addStatement((i == 0 ? "$T " : "") + "p = $L", i == 0 ? new Object[] {FLOAT_VECTOR, rows[i][0]} : new Object[] {rows[i][0]});
            m.addStatement((i == 0 ? "$T " : "") + "q = $L", i == 0 ? new Object[] {FLOAT_VECTOR, rows[i][1]} : new Object[] {rows[i][1]});
            m.addStatement("p.intoArray(s, w + $Lf)", wPlane(4 * i));
            m.addStatement("p.add(q).intoArray(s, w + $Lf)", wPlane(4 * i + 1));
            m.addStatement("p.sub(q).intoArray(s, w + $Lf)", wPlane(4 * i + 2));
            m.addStatement("q.neg().intoArray(s, w + $Lf)", wPlane(4 * i + 3));
        }
        return m.endControlFlow().endControlFlow().build();
    }

    private static String wPlane(int xi) {
        return xi == 0 ? "" : xi == 1 ? "M_STRIDE + " : xi + " * M_STRIDE + ";
    }

    /** {@code gradientProductN}: dU[c .. c + 3][f ..] += the sum over the group's tiles of V[j][c ..] W[j][f ..]. */
    private static MethodSpec gradientProduct(int vectors) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("gradientProduct" + vectors).addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dU[c + q][f ..] += sum over tiles j of V[j][c + q] W[j][f ..] for channels q = 0 .. 3 and $L vectors of\n"
                        + "filters: V's channels from {@code v}, W's filters from {@code w}, dU's from {@code u}; {@code count} tiles.\n",
                        vectors)
                .addParameter(float[].class, "s").addParameter(int.class, "v").addParameter(int.class, "w")
                .addParameter(int.class, "u").addParameter(int.class, "count");
        zeroAccumulators(m, vectors)
                .beginControlFlow("for (int j = 0; j < count; j++, v += IN_CHANNELS, w += FILTERS)");
        for (int k = 0; k < vectors; k++) {
            m.addStatement("$T g$L = $T.fromArray(S, s, w$L)", FLOAT_VECTOR, k, FLOAT_VECTOR, plus(k));
        }
        for (int q = 0; q < 4; q++) {
            m.addStatement("$L$T.broadcast(S, s[v$L])", q == 0 ? "FloatVector x = " : "x = ", FLOAT_VECTOR, q == 0 ? "" : " + " + q);
            for (int k = 0; k < vectors; k++) {
                m.addStatement("a$L$L = x.fma(g$L, a$L$L)", q, k, k, q, k);
            }
        }
        m.endControlFlow();
        for (int q = 0; q < 4; q++) {
            for (int k = 0; k < vectors; k++) {
                String at = "u" + (q == 0 ? "" : q == 1 ? " + FILTERS" : " + " + q + " * FILTERS") + plus(k);
                m.addStatement("$T.fromArray(S, s, $L).add(a$L$L).intoArray(s, $L)", FLOAT_VECTOR, at, q, k, at);
            }
        }
        return m.build();
    }

    /** dKernel += G^T dU G. */
    private static MethodSpec kernelBack() {
        MethodSpec.Builder m = perKernelVector("winogradKernelBack", "dKernel += G^T dU G for each input channel and vector of "
                + "filters, dU in U's planes of {@code s},\nG^T = [1 1/2 1/2 0; 0 1/2 -1/2 0; 0 1/2 1/2 1].\n", "s", "dKernel", "u")
                .addComment("row i of G^T dU (u0 + (u1 + u2) / 2, (u1 - u2) / 2, (u1 + u2) / 2 + u3 of dU's rows), column by")
                .addComment("column; then the row times G: p0 + (p1 + p2) / 2, (p1 - p2) / 2, (p1 + p2) / 2 + p3");
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                String u1 = uAt(4 + j);
                String u2 = uAt(8 + j);
                String e = switch (i) {
                    case 0 -> uAt(j) + ".add(" + u1 + ".add(" + u2 + ").mul(0.5f))";
                    case 1 -> u1 + ".sub(" + u2 + ").mul(0.5f)";
                    default -> u1 + ".add(" + u2 + ").mul(0.5f).add(" + uAt(12 + j) + ")";
                };
                m.addStatement((i == 0 ? "$T " : "") + "p$L = " + e, i == 0 ? new Object[] {FLOAT_VECTOR, j} : new Object[] {j});
            }
            m.addStatement((i == 0 ? "$T " : "") + "h = p1.add(p2).mul(0.5f)", i == 0 ? new Object[] {FLOAT_VECTOR} : new Object[0]);
            for (int k = 0; k < 3; k++) {
                String e = k == 0 ? "p0.add(h)" : k == 1 ? "p1.sub(p2).mul(0.5f)" : "h.add(p3)";
                int t = 3 * i + k;
                String at = t == 0 ? "u" : t == 1 ? "tap + u" : t + " * tap + u";
                m.addStatement("$T.fromArray(S, dKernel, $L).add($L).intoArray(dKernel, $L)", FLOAT_VECTOR, at, e, at);
            }
        }
        return m.endControlFlow().endControlFlow().build();
    }

    /** {@code FloatVector.fromArray(S, s, xi * U_STRIDE + u)}: position {@code xi} of dU. */
    private static String uAt(int xi) {
        return "FloatVector.fromArray(S, s, " + (xi == 0 ? "u" : xi == 1 ? "U_STRIDE + u" : xi + " * U_STRIDE + u") + ")";
    }

    private static String mPlane(int xi) {
        return xi == 0 ? "" : xi == 1 ? " + M_STRIDE" : " + " + xi + " * M_STRIDE";
    }
}
