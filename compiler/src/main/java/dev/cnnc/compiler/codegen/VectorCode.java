package dev.cnnc.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The Vector API variant of the convolution and dense kernels ({@code jdk.incubator.vector}, opt-in
 * with {@code JavaGenerator.Options.vector}). Register-blocked: 4 output pixels (or examples) by 2
 * vectors of output channels are accumulated in registers over every tap and input channel, so that
 * each loaded weight serves 4 pixels and each loaded input 2 vectors of filters.
 *
 * <p>Vectors cover the output channels up to {@code F_VEC}, the largest multiple of two vector
 * lengths; the remaining channels (if any) run as scalar loops. No cross-lane reduction is used:
 * results are the same on every JVM and every run, interpreted or compiled.
 *
 * <p>A convolution is described by its constants, which the layer class defines: {@code IN_HEIGHT,
 * IN_WIDTH, IN_CHANNELS, OUT_HEIGHT, OUT_WIDTH, FILTERS, KERNEL_HEIGHT, KERNEL_WIDTH, STRIDE_*,
 * DILATION_*, PAD_TOP, PAD_LEFT, IN_SIZE, OUT_SIZE} (channels-last). A dense layer is a 1x1
 * convolution over a 1x1 image whose pixels are the examples.
 */
public final class VectorCode {
    static final ClassName FLOAT_VECTOR = ClassName.get("jdk.incubator.vector", "FloatVector");
    static final ClassName SPECIES = ClassName.get("jdk.incubator.vector", "VectorSpecies");
    private static final TypeName FLOAT_SPECIES = ParameterizedTypeName.get(SPECIES, ClassName.get(Float.class));

    private VectorCode() {}

    /** {@code S}, {@code L} and {@code F_VEC} for a layer with {@code channels} output channels. */
    public static List<FieldSpec> constants(String channels) {
        return List.of(
                FieldSpec.builder(FLOAT_SPECIES, "S", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("$T.SPECIES_PREFERRED", FLOAT_VECTOR)
                        .addJavadoc("The widest vectors of this machine.\n").build(),
                FieldSpec.builder(int.class, "L", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("S.length()").addJavadoc("Floats per vector.\n").build(),
                FieldSpec.builder(int.class, "F_VEC", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("$L - $L % (2 * L)", channels, channels)
                        .addJavadoc("Output channels computed with vectors; the rest are scalar.\n").build());
    }

    // ---------------------------------------------------------------------------------------------
    // Convolution, channels-last

    /**
     * Output columns whose windows lie inside the input horizontally: {@code [lo, hi)}. Blocks of 4
     * pixels run there without column checks.
     */
    public static int[] interior(int outWidth, int inWidth, int kernelWidth, int stride, int dilation, int padLeft) {
        int lo = (padLeft + stride - 1) / stride;
        int hi = lo;
        while (hi < outWidth && hi * stride - padLeft + (kernelWidth - 1) * dilation < inWidth) {
            hi++;
        }
        return new int[] {lo, Math.max(lo, hi)};
    }

    /** {@code forward}: vector blocks, scalar border pixels and tail channels, then the activation. */
    public static List<MethodSpec> convForward(boolean bias, boolean activation, int[] interior, String doc) {
        MethodSpec.Builder forward = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc(doc)
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "kernel");
        if (bias) {
            forward.addParameter(float[].class, "bias");
        }
        String b = bias ? "bias" : "null";
        forward.addParameter(int.class, "n")
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .addStatement("int ox = 0")
                .beginControlFlow("for (; ox < $L; ox++)", interior[0])
                .addStatement("pixels(in, out, kernel, $L, b, oy, ox, 1)", b)
                .endControlFlow()
                .beginControlFlow("for (; ox + 4 <= $L; ox += 4)", interior[1])
                .addStatement("pixels(in, out, kernel, $L, b, oy, ox, 4)", b)
                .endControlFlow()
                .beginControlFlow("for (; ox < OUT_WIDTH; ox++)")
                .addStatement("pixels(in, out, kernel, $L, b, oy, ox, 1)", b)
                .endControlFlow()
                .endControlFlow()
                .endControlFlow();
        if (activation) {
            forward.addStatement("activate(out, n)");
        }
        return List.of(forward.build(), convPixels());
    }

    /**
     * {@code pixels}: {@code count} (1 or 4) output pixels from {@code (oy, ox)} along the row, every
     * channel. A block of 4 must lie in the interior columns; single pixels check every tap.
     */
    private static MethodSpec convPixels() {
        MethodSpec.Builder m = MethodSpec.methodBuilder("pixels").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("Output pixels {@code (oy, ox .. ox + count - 1)} of example {@code b}: {@code count} is 1 or 4.\n")
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "kernel")
                .addParameter(float[].class, "bias").addParameter(int.class, "b").addParameter(int.class, "oy")
                .addParameter(int.class, "ox").addParameter(int.class, "count")
                .addStatement("int iy = oy * STRIDE_HEIGHT - PAD_TOP")
                .addStatement("int ix = ox * STRIDE_WIDTH - PAD_LEFT")
                .addStatement("int step = count == 4 ? STRIDE_WIDTH * IN_CHANNELS : 0")
                .addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * FILTERS")
                .beginControlFlow("for (int f = 0; f < F_VEC; f += 2 * L)")
                .addStatement("$T z0 = bias == null ? $T.zero(S) : $T.fromArray(S, bias, f)", FLOAT_VECTOR, FLOAT_VECTOR,
                        FLOAT_VECTOR)
                .addStatement("$T z1 = bias == null ? $T.zero(S) : $T.fromArray(S, bias, f + L)", FLOAT_VECTOR, FLOAT_VECTOR,
                        FLOAT_VECTOR)
                .addStatement("$T a00 = z0, a01 = z1, a10 = z0, a11 = z1, a20 = z0, a21 = z1, a30 = z0, a31 = z1",
                        FLOAT_VECTOR)
                .beginControlFlow("for (int ky = 0; ky < KERNEL_HEIGHT; ky++)")
                .addStatement("int y = iy + ky * DILATION_HEIGHT")
                .beginControlFlow("if (y < 0 || y >= IN_HEIGHT)").addStatement("continue").endControlFlow()
                .beginControlFlow("for (int kx = 0; kx < KERNEL_WIDTH; kx++)")
                .addStatement("int x = ix + kx * DILATION_WIDTH")
                .beginControlFlow("if (x < 0 || x >= IN_WIDTH)")
                .addComment("only single pixels reach the border")
                .addStatement("continue")
                .endControlFlow()
                .addStatement("int i = ((b * IN_HEIGHT + y) * IN_WIDTH + x) * IN_CHANNELS")
                .addStatement("int k = (ky * KERNEL_WIDTH + kx) * IN_CHANNELS * FILTERS + f")
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++, k += FILTERS)")
                .addStatement("$T k0 = $T.fromArray(S, kernel, k)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T k1 = $T.fromArray(S, kernel, k + L)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T v = $T.broadcast(S, in[i + c])", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("a00 = v.fma(k0, a00)")
                .addStatement("a01 = v.fma(k1, a01)")
                .beginControlFlow("if (count == 4)")
                .addStatement("v = $T.broadcast(S, in[i + step + c])", FLOAT_VECTOR)
                .addStatement("a10 = v.fma(k0, a10)")
                .addStatement("a11 = v.fma(k1, a11)")
                .addStatement("v = $T.broadcast(S, in[i + 2 * step + c])", FLOAT_VECTOR)
                .addStatement("a20 = v.fma(k0, a20)")
                .addStatement("a21 = v.fma(k1, a21)")
                .addStatement("v = $T.broadcast(S, in[i + 3 * step + c])", FLOAT_VECTOR)
                .addStatement("a30 = v.fma(k0, a30)")
                .addStatement("a31 = v.fma(k1, a31)")
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .addStatement("a00.intoArray(out, o + f)")
                .addStatement("a01.intoArray(out, o + f + L)")
                .beginControlFlow("if (count == 4)")
                .addStatement("a10.intoArray(out, o + FILTERS + f)")
                .addStatement("a11.intoArray(out, o + FILTERS + f + L)")
                .addStatement("a20.intoArray(out, o + 2 * FILTERS + f)")
                .addStatement("a21.intoArray(out, o + 2 * FILTERS + f + L)")
                .addStatement("a30.intoArray(out, o + 3 * FILTERS + f)")
                .addStatement("a31.intoArray(out, o + 3 * FILTERS + f + L)")
                .endControlFlow()
                .endControlFlow()
                .addComment("channels beyond F_VEC, one at a time")
                .beginControlFlow("for (int p = 0; p < count; p++)")
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
                .addStatement("out[o + p * FILTERS + f] = s")
                .endControlFlow()
                .endControlFlow();
        return m.build();
    }

    /**
     * {@code backward} of a convolution: bias and kernel gradients accumulated in registers over
     * every output pixel; the input gradient as {@code dOut . kernel^T} into a scratch row per pixel,
     * then added back to the input positions (col2im).
     */
    public static List<MethodSpec> convBackward(boolean bias, boolean inputGradient, String doc) {
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
        m.addParameter(int.class, "n")
                .addStatement("int pixels = n * OUT_HEIGHT * OUT_WIDTH");
        if (bias) {
            m.addStatement("biasGradient(dOut, dBias, pixels)");
        }
        m.beginControlFlow("for (int tap = 0; tap < KERNEL_HEIGHT * KERNEL_WIDTH; tap++)")
                .addStatement("int c = 0")
                .beginControlFlow("for (; c + 4 <= IN_CHANNELS; c += 4)")
                .addStatement("kernelGradient(in, dOut, dKernel, n, tap, c, 4)")
                .endControlFlow()
                .beginControlFlow("for (; c < IN_CHANNELS; c++)")
                .addStatement("kernelGradient(in, dOut, dKernel, n, tap, c, 1)")
                .endControlFlow()
                .endControlFlow();
        if (inputGradient) {
            m.addStatement("inputGradient(dOut, dIn, kernel, scratch, n)");
        }
        List<MethodSpec> methods = new java.util.ArrayList<>(List.of(m.build(), convKernelGradient()));
        if (bias) {
            methods.add(biasGradient("FILTERS"));
        }
        if (inputGradient) {
            methods.add(convInputGradient());
        }
        return methods;
    }

    private static MethodSpec biasGradient(String channels) {
        return MethodSpec.methodBuilder("biasGradient").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dBias += the sum of dOut over {@code pixels} output positions.\n")
                .addParameter(float[].class, "dOut").addParameter(float[].class, "dBias").addParameter(int.class, "pixels")
                .beginControlFlow("for (int f = 0; f < F_VEC; f += L)")
                .addStatement("$T s = $T.zero(S)", FLOAT_VECTOR, FLOAT_VECTOR)
                .beginControlFlow("for (int p = 0; p < pixels; p++)")
                .addStatement("s = s.add($T.fromArray(S, dOut, p * $L + f))", FLOAT_VECTOR, channels)
                .endControlFlow()
                .addStatement("s.add($T.fromArray(S, dBias, f)).intoArray(dBias, f)", FLOAT_VECTOR)
                .endControlFlow()
                .beginControlFlow("for (int f = F_VEC; f < $L; f++)", channels)
                .addStatement("float s = 0f")
                .beginControlFlow("for (int p = 0; p < pixels; p++)")
                .addStatement("s += dOut[p * $L + f]", channels)
                .endControlFlow()
                .addStatement("dBias[f] += s")
                .endControlFlow()
                .build();
    }

    /** dKernel for tap {@code tap}, input channels {@code c .. c + count - 1} (count 1 or 4), every filter. */
    private static MethodSpec convKernelGradient() {
        return MethodSpec.methodBuilder("kernelGradient").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dKernel[tap, c .. c + count - 1, :] += sum over output pixels of in (at the tap) times dOut.\n")
                .addParameter(float[].class, "in").addParameter(float[].class, "dOut").addParameter(float[].class, "dKernel")
                .addParameter(int.class, "n").addParameter(int.class, "tap").addParameter(int.class, "c")
                .addParameter(int.class, "count")
                .addStatement("int dy = tap / KERNEL_WIDTH * DILATION_HEIGHT - PAD_TOP")
                .addStatement("int dx = tap % KERNEL_WIDTH * DILATION_WIDTH - PAD_LEFT")
                .addStatement("int k = (tap * IN_CHANNELS + c) * FILTERS")
                .beginControlFlow("for (int f = 0; f < F_VEC; f += 2 * L)")
                .addStatement("$T a00 = $T.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00",
                        FLOAT_VECTOR, FLOAT_VECTOR)
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .addStatement("int y = oy * STRIDE_HEIGHT + dy")
                .beginControlFlow("if (y < 0 || y >= IN_HEIGHT)").addStatement("continue").endControlFlow()
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("int x = ox * STRIDE_WIDTH + dx")
                .beginControlFlow("if (x < 0 || x >= IN_WIDTH)").addStatement("continue").endControlFlow()
                .addStatement("int i = ((b * IN_HEIGHT + y) * IN_WIDTH + x) * IN_CHANNELS + c")
                .addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * FILTERS + f")
                .addStatement("$T d0 = $T.fromArray(S, dOut, o)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T d1 = $T.fromArray(S, dOut, o + L)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T v = $T.broadcast(S, in[i])", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("a00 = v.fma(d0, a00)")
                .addStatement("a01 = v.fma(d1, a01)")
                .beginControlFlow("if (count == 4)")
                .addStatement("v = $T.broadcast(S, in[i + 1])", FLOAT_VECTOR)
                .addStatement("a10 = v.fma(d0, a10)")
                .addStatement("a11 = v.fma(d1, a11)")
                .addStatement("v = $T.broadcast(S, in[i + 2])", FLOAT_VECTOR)
                .addStatement("a20 = v.fma(d0, a20)")
                .addStatement("a21 = v.fma(d1, a21)")
                .addStatement("v = $T.broadcast(S, in[i + 3])", FLOAT_VECTOR)
                .addStatement("a30 = v.fma(d0, a30)")
                .addStatement("a31 = v.fma(d1, a31)")
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .addStatement("a00.add($T.fromArray(S, dKernel, k + f)).intoArray(dKernel, k + f)", FLOAT_VECTOR)
                .addStatement("a01.add($T.fromArray(S, dKernel, k + f + L)).intoArray(dKernel, k + f + L)", FLOAT_VECTOR)
                .beginControlFlow("if (count == 4)")
                .addStatement("int k1 = k + FILTERS")
                .addStatement("a10.add($T.fromArray(S, dKernel, k1 + f)).intoArray(dKernel, k1 + f)", FLOAT_VECTOR)
                .addStatement("a11.add($T.fromArray(S, dKernel, k1 + f + L)).intoArray(dKernel, k1 + f + L)", FLOAT_VECTOR)
                .addStatement("int k2 = k1 + FILTERS")
                .addStatement("a20.add($T.fromArray(S, dKernel, k2 + f)).intoArray(dKernel, k2 + f)", FLOAT_VECTOR)
                .addStatement("a21.add($T.fromArray(S, dKernel, k2 + f + L)).intoArray(dKernel, k2 + f + L)", FLOAT_VECTOR)
                .addStatement("int k3 = k2 + FILTERS")
                .addStatement("a30.add($T.fromArray(S, dKernel, k3 + f)).intoArray(dKernel, k3 + f)", FLOAT_VECTOR)
                .addStatement("a31.add($T.fromArray(S, dKernel, k3 + f + L)).intoArray(dKernel, k3 + f + L)", FLOAT_VECTOR)
                .endControlFlow()
                .endControlFlow()
                .addComment("filters beyond F_VEC, one at a time")
                .beginControlFlow("for (int f = F_VEC; f < FILTERS; f++)")
                .beginControlFlow("for (int q = 0; q < count; q++)")
                .addStatement("float s = 0f")
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .addStatement("int y = oy * STRIDE_HEIGHT + dy")
                .beginControlFlow("if (y < 0 || y >= IN_HEIGHT)").addStatement("continue").endControlFlow()
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("int x = ox * STRIDE_WIDTH + dx")
                .beginControlFlow("if (x < 0 || x >= IN_WIDTH)").addStatement("continue").endControlFlow()
                .addStatement("s += in[((b * IN_HEIGHT + y) * IN_WIDTH + x) * IN_CHANNELS + c + q]"
                        + " * dOut[((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * FILTERS + f]")
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .addStatement("dKernel[k + q * FILTERS + f] += s")
                .endControlFlow()
                .endControlFlow()
                .build();
    }

    /**
     * dIn: the kernel transposed into {@code scratch} as {@code (filters, taps * channels)}, then for
     * each output pixel the row {@code dOut[pixel] . kernel^T} (vectors over taps and channels),
     * added to the input positions its window covers.
     */
    private static MethodSpec convInputGradient() {
        return MethodSpec.methodBuilder("inputGradient").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dIn = the input gradient; {@code scratch} holds the transposed kernel, then a row per pixel.\n")
                .addParameter(float[].class, "dOut").addParameter(float[].class, "dIn").addParameter(float[].class, "kernel")
                .addParameter(float[].class, "scratch").addParameter(int.class, "n")
                .addStatement("int rows = KERNEL_HEIGHT * KERNEL_WIDTH * IN_CHANNELS")
                .addStatement("int rowsVec = rows - rows % (2 * L)")
                .beginControlFlow("for (int j = 0; j < rows; j++)")
                .beginControlFlow("for (int f = 0; f < FILTERS; f++)")
                .addStatement("scratch[f * rows + j] = kernel[j * FILTERS + f]")
                .endControlFlow()
                .endControlFlow()
                .addStatement("int row = FILTERS * rows")
                .addStatement("$T.fill(dIn, 0, n * IN_SIZE, 0f)", java.util.Arrays.class)
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
                .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
                .addStatement("int o = ((b * OUT_HEIGHT + oy) * OUT_WIDTH + ox) * FILTERS")
                .beginControlFlow("for (int j = 0; j < rowsVec; j += 2 * L)")
                .addStatement("$T a0 = $T.zero(S), a1 = a0", FLOAT_VECTOR, FLOAT_VECTOR)
                .beginControlFlow("for (int f = 0; f < FILTERS; f++)")
                .addStatement("$T d = $T.broadcast(S, dOut[o + f])", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("a0 = d.fma($T.fromArray(S, scratch, f * rows + j), a0)", FLOAT_VECTOR)
                .addStatement("a1 = d.fma($T.fromArray(S, scratch, f * rows + j + L), a1)", FLOAT_VECTOR)
                .endControlFlow()
                .addStatement("a0.intoArray(scratch, row + j)")
                .addStatement("a1.intoArray(scratch, row + j + L)")
                .endControlFlow()
                .beginControlFlow("for (int j = rowsVec; j < rows; j++)")
                .addStatement("float s = 0f")
                .beginControlFlow("for (int f = 0; f < FILTERS; f++)")
                .addStatement("s += dOut[o + f] * scratch[f * rows + j]")
                .endControlFlow()
                .addStatement("scratch[row + j] = s")
                .endControlFlow()
                .addComment("col2im: each tap's channels back to the input position it read")
                .beginControlFlow("for (int ky = 0; ky < KERNEL_HEIGHT; ky++)")
                .addStatement("int y = oy * STRIDE_HEIGHT - PAD_TOP + ky * DILATION_HEIGHT")
                .beginControlFlow("if (y < 0 || y >= IN_HEIGHT)").addStatement("continue").endControlFlow()
                .beginControlFlow("for (int kx = 0; kx < KERNEL_WIDTH; kx++)")
                .addStatement("int x = ox * STRIDE_WIDTH - PAD_LEFT + kx * DILATION_WIDTH")
                .beginControlFlow("if (x < 0 || x >= IN_WIDTH)").addStatement("continue").endControlFlow()
                .addStatement("int i = ((b * IN_HEIGHT + y) * IN_WIDTH + x) * IN_CHANNELS")
                .addStatement("int j = row + (ky * KERNEL_WIDTH + kx) * IN_CHANNELS")
                .beginControlFlow("for (int c = 0; c < IN_CHANNELS; c++)")
                .addStatement("dIn[i + c] += scratch[j + c]")
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .build();
    }

    /** Scratch floats the convolution's vector backward needs: the transposed kernel and one row. */
    public static long convScratch(long taps, long channels, long filters) {
        return taps * channels * (filters + 1);
    }

    // ---------------------------------------------------------------------------------------------
    // Dense

    /** {@code forward} of a dense layer: blocks of 4 examples by 2 vectors of units. */
    public static List<MethodSpec> denseForward(boolean bias, boolean activation, String doc) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc(doc)
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "kernel");
        if (bias) {
            m.addParameter(float[].class, "bias");
        }
        m.addParameter(int.class, "n")
                .addStatement("int b = 0")
                .beginControlFlow("for (; b + 4 <= n; b += 4)")
                .addStatement("examples(in, out, kernel, $L, b, 4)", bias ? "bias" : "null")
                .endControlFlow()
                .beginControlFlow("for (; b < n; b++)")
                .addStatement("examples(in, out, kernel, $L, b, 1)", bias ? "bias" : "null")
                .endControlFlow();
        if (activation) {
            m.addStatement("activate(out, n)");
        }
        MethodSpec examples = MethodSpec.methodBuilder("examples").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("Examples {@code b .. b + count - 1} ({@code count} 1 or 4), every unit.\n")
                .addParameter(float[].class, "in").addParameter(float[].class, "out").addParameter(float[].class, "kernel")
                .addParameter(float[].class, "bias").addParameter(int.class, "b").addParameter(int.class, "count")
                .addStatement("int i0 = b * INPUTS")
                .addStatement("int step = count == 4 ? INPUTS : 0")
                .beginControlFlow("for (int u = 0; u < F_VEC; u += 2 * L)")
                .addStatement("$T z0 = bias == null ? $T.zero(S) : $T.fromArray(S, bias, u)", FLOAT_VECTOR, FLOAT_VECTOR,
                        FLOAT_VECTOR)
                .addStatement("$T z1 = bias == null ? $T.zero(S) : $T.fromArray(S, bias, u + L)", FLOAT_VECTOR, FLOAT_VECTOR,
                        FLOAT_VECTOR)
                .addStatement("$T a00 = z0, a01 = z1, a10 = z0, a11 = z1, a20 = z0, a21 = z1, a30 = z0, a31 = z1",
                        FLOAT_VECTOR)
                .beginControlFlow("for (int i = 0, k = u; i < INPUTS; i++, k += UNITS)")
                .addStatement("$T k0 = $T.fromArray(S, kernel, k)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T k1 = $T.fromArray(S, kernel, k + L)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T v = $T.broadcast(S, in[i0 + i])", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("a00 = v.fma(k0, a00)")
                .addStatement("a01 = v.fma(k1, a01)")
                .beginControlFlow("if (count == 4)")
                .addStatement("v = $T.broadcast(S, in[i0 + step + i])", FLOAT_VECTOR)
                .addStatement("a10 = v.fma(k0, a10)")
                .addStatement("a11 = v.fma(k1, a11)")
                .addStatement("v = $T.broadcast(S, in[i0 + 2 * step + i])", FLOAT_VECTOR)
                .addStatement("a20 = v.fma(k0, a20)")
                .addStatement("a21 = v.fma(k1, a21)")
                .addStatement("v = $T.broadcast(S, in[i0 + 3 * step + i])", FLOAT_VECTOR)
                .addStatement("a30 = v.fma(k0, a30)")
                .addStatement("a31 = v.fma(k1, a31)")
                .endControlFlow()
                .endControlFlow()
                .addStatement("int o = b * UNITS + u")
                .addStatement("a00.intoArray(out, o)")
                .addStatement("a01.intoArray(out, o + L)")
                .beginControlFlow("if (count == 4)")
                .addStatement("a10.intoArray(out, o + UNITS)")
                .addStatement("a11.intoArray(out, o + UNITS + L)")
                .addStatement("a20.intoArray(out, o + 2 * UNITS)")
                .addStatement("a21.intoArray(out, o + 2 * UNITS + L)")
                .addStatement("a30.intoArray(out, o + 3 * UNITS)")
                .addStatement("a31.intoArray(out, o + 3 * UNITS + L)")
                .endControlFlow()
                .endControlFlow()
                .addComment("units beyond F_VEC, one at a time")
                .beginControlFlow("for (int q = 0; q < count; q++)")
                .beginControlFlow("for (int u = F_VEC; u < UNITS; u++)")
                .addStatement("float s = bias == null ? 0f : bias[u]")
                .beginControlFlow("for (int i = 0; i < INPUTS; i++)")
                .addStatement("s += in[(b + q) * INPUTS + i] * kernel[i * UNITS + u]")
                .endControlFlow()
                .addStatement("out[(b + q) * UNITS + u] = s")
                .endControlFlow()
                .endControlFlow()
                .build();
        return List.of(m.build(), examples);
    }

    /** {@code backward} of a dense layer as the 1x1 convolution it is (see the convolution's). */
    public static List<MethodSpec> denseBackward(boolean bias, boolean inputGradient, String doc) {
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
            m.addStatement("biasGradient(dOut, dBias, n)");
        }
        m.addStatement("int i = 0")
                .beginControlFlow("for (; i + 4 <= INPUTS; i += 4)")
                .addStatement("kernelGradient(in, dOut, dKernel, n, i, 4)")
                .endControlFlow()
                .beginControlFlow("for (; i < INPUTS; i++)")
                .addStatement("kernelGradient(in, dOut, dKernel, n, i, 1)")
                .endControlFlow();
        if (inputGradient) {
            m.addStatement("inputGradient(dOut, dIn, kernel, scratch, n)");
        }
        List<MethodSpec> methods = new java.util.ArrayList<>();
        methods.add(m.build());
        methods.add(denseKernelGradient());
        if (bias) {
            methods.add(biasGradient("UNITS"));
        }
        if (inputGradient) {
            methods.add(denseInputGradient());
        }
        return methods;
    }

    private static MethodSpec denseKernelGradient() {
        return MethodSpec.methodBuilder("kernelGradient").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dKernel[i .. i + count - 1, :] += sum over examples of in[b, i] dOut[b, :].\n")
                .addParameter(float[].class, "in").addParameter(float[].class, "dOut").addParameter(float[].class, "dKernel")
                .addParameter(int.class, "n").addParameter(int.class, "i").addParameter(int.class, "count")
                .beginControlFlow("for (int u = 0; u < F_VEC; u += 2 * L)")
                .addStatement("$T a00 = $T.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00",
                        FLOAT_VECTOR, FLOAT_VECTOR)
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .addStatement("int x = b * INPUTS + i")
                .addStatement("$T d0 = $T.fromArray(S, dOut, b * UNITS + u)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T d1 = $T.fromArray(S, dOut, b * UNITS + u + L)", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T v = $T.broadcast(S, in[x])", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("a00 = v.fma(d0, a00)")
                .addStatement("a01 = v.fma(d1, a01)")
                .beginControlFlow("if (count == 4)")
                .addStatement("v = $T.broadcast(S, in[x + 1])", FLOAT_VECTOR)
                .addStatement("a10 = v.fma(d0, a10)")
                .addStatement("a11 = v.fma(d1, a11)")
                .addStatement("v = $T.broadcast(S, in[x + 2])", FLOAT_VECTOR)
                .addStatement("a20 = v.fma(d0, a20)")
                .addStatement("a21 = v.fma(d1, a21)")
                .addStatement("v = $T.broadcast(S, in[x + 3])", FLOAT_VECTOR)
                .addStatement("a30 = v.fma(d0, a30)")
                .addStatement("a31 = v.fma(d1, a31)")
                .endControlFlow()
                .endControlFlow()
                .addStatement("int k = i * UNITS + u")
                .addStatement("a00.add($T.fromArray(S, dKernel, k)).intoArray(dKernel, k)", FLOAT_VECTOR)
                .addStatement("a01.add($T.fromArray(S, dKernel, k + L)).intoArray(dKernel, k + L)", FLOAT_VECTOR)
                .beginControlFlow("if (count == 4)")
                .addStatement("a10.add($T.fromArray(S, dKernel, k + UNITS)).intoArray(dKernel, k + UNITS)", FLOAT_VECTOR)
                .addStatement("a11.add($T.fromArray(S, dKernel, k + UNITS + L)).intoArray(dKernel, k + UNITS + L)",
                        FLOAT_VECTOR)
                .addStatement("a20.add($T.fromArray(S, dKernel, k + 2 * UNITS)).intoArray(dKernel, k + 2 * UNITS)",
                        FLOAT_VECTOR)
                .addStatement("a21.add($T.fromArray(S, dKernel, k + 2 * UNITS + L)).intoArray(dKernel, k + 2 * UNITS + L)",
                        FLOAT_VECTOR)
                .addStatement("a30.add($T.fromArray(S, dKernel, k + 3 * UNITS)).intoArray(dKernel, k + 3 * UNITS)",
                        FLOAT_VECTOR)
                .addStatement("a31.add($T.fromArray(S, dKernel, k + 3 * UNITS + L)).intoArray(dKernel, k + 3 * UNITS + L)",
                        FLOAT_VECTOR)
                .endControlFlow()
                .endControlFlow()
                .addComment("units beyond F_VEC, one at a time")
                .beginControlFlow("for (int q = 0; q < count; q++)")
                .beginControlFlow("for (int u = F_VEC; u < UNITS; u++)")
                .addStatement("float s = 0f")
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .addStatement("s += in[b * INPUTS + i + q] * dOut[b * UNITS + u]")
                .endControlFlow()
                .addStatement("dKernel[(i + q) * UNITS + u] += s")
                .endControlFlow()
                .endControlFlow()
                .build();
    }

    private static MethodSpec denseInputGradient() {
        return MethodSpec.methodBuilder("inputGradient").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("dIn = dOut . kernel^T, with the kernel transposed into {@code scratch} as (units, inputs).\n")
                .addParameter(float[].class, "dOut").addParameter(float[].class, "dIn").addParameter(float[].class, "kernel")
                .addParameter(float[].class, "scratch").addParameter(int.class, "n")
                .addStatement("int inVec = INPUTS - INPUTS % (2 * L)")
                .beginControlFlow("for (int i = 0; i < INPUTS; i++)")
                .beginControlFlow("for (int u = 0; u < UNITS; u++)")
                .addStatement("scratch[u * INPUTS + i] = kernel[i * UNITS + u]")
                .endControlFlow()
                .endControlFlow()
                .beginControlFlow("for (int b = 0; b < n; b++)")
                .addStatement("int o = b * UNITS")
                .beginControlFlow("for (int i = 0; i < inVec; i += 2 * L)")
                .addStatement("$T a0 = $T.zero(S), a1 = a0", FLOAT_VECTOR, FLOAT_VECTOR)
                .beginControlFlow("for (int u = 0; u < UNITS; u++)")
                .addStatement("$T d = $T.broadcast(S, dOut[o + u])", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("a0 = d.fma($T.fromArray(S, scratch, u * INPUTS + i), a0)", FLOAT_VECTOR)
                .addStatement("a1 = d.fma($T.fromArray(S, scratch, u * INPUTS + i + L), a1)", FLOAT_VECTOR)
                .endControlFlow()
                .addStatement("a0.intoArray(dIn, b * INPUTS + i)")
                .addStatement("a1.intoArray(dIn, b * INPUTS + i + L)")
                .endControlFlow()
                .beginControlFlow("for (int i = inVec; i < INPUTS; i++)")
                .addStatement("float s = 0f")
                .beginControlFlow("for (int u = 0; u < UNITS; u++)")
                .addStatement("s += dOut[o + u] * scratch[u * INPUTS + i]")
                .endControlFlow()
                .addStatement("dIn[b * INPUTS + i] = s")
                .endControlFlow()
                .endControlFlow()
                .build();
    }

    /** The doc line every vector method shares. */
    public static CodeBlock note() {
        return CodeBlock.of("Vector API variant (jdk.incubator.vector).\n");
    }
}
