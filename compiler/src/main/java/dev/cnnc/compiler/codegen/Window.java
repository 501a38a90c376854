package dev.cnnc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.cnnc.compiler.ir.Geometry2D;

/**
 * The taps of a 2-D window (a convolution kernel or a pooling window) at one output position,
 * shared by convolutions and poolings. Windows of up to {@link #MAX_UNROLLED} taps are unrolled, one
 * block per tap with its offsets as literals; larger ones keep a loop. A tap is guarded against
 * the input's border only where padding can put it outside.
 *
 * <p>The generated code expects {@code iy} and {@code ix}, the input row and column of the window's
 * top-left tap (negative inside the padding).
 */
public record Window(int height, int width, int dilationHeight, int dilationWidth, int strideHeight, int strideWidth,
        int padTop, int padLeft, int inHeight, int inWidth, int outHeight, int outWidth) {

    /** The window of {@code g}. */
    public static Window of(Geometry2D g) {
        return new Window(g.kernelHeight(), g.kernelWidth(), g.dilationHeight(), g.dilationWidth(), g.strideHeight(),
                g.strideWidth(), g.padTop(), g.padLeft(), g.inHeight(), g.inWidth(), g.outHeight(), g.outWidth());
    }

    /** Windows with more taps than this keep a loop over the taps. */
    public static final int MAX_UNROLLED = 25;

    /** The code of one tap, given its row and column offsets and its index in the window (row-major). */
    @FunctionalInterface
    public interface Tap {
        CodeBlock code(String rowOffset, String columnOffset, String tapIndex);
    }

    public boolean unrolled() {
        return height * width <= MAX_UNROLLED;
    }

    /** Every tap of the window, in row-major order. */
    public CodeBlock taps(Tap tap) {
        CodeBlock.Builder b = CodeBlock.builder();
        if (!unrolled()) {
            b.beginControlFlow("for (int ky = 0; ky < $L; ky++)", height)
                    .addStatement("int y = iy + ky * $L", dilationHeight)
                    .beginControlFlow("if (y < 0 || y >= $L)", inHeight).addStatement("continue").endControlFlow()
                    .beginControlFlow("for (int kx = 0; kx < $L; kx++)", width)
                    .addStatement("int x = ix + kx * $L", dilationWidth)
                    .beginControlFlow("if (x < 0 || x >= $L)", inWidth).addStatement("continue").endControlFlow()
                    .add(tap.code("ky * " + dilationHeight, "kx * " + dilationWidth, "(ky * " + width + " + kx)"))
                    .endControlFlow()
                    .endControlFlow();
            return b.build();
        }
        for (int ky = 0; ky < height; ky++) {
            int row = ky * dilationHeight;
            boolean rowGuard = mayLeave(row, padTop, strideHeight, inHeight, outHeight);
            if (rowGuard) {
                b.beginControlFlow("if ($L)", inside("iy", row, inHeight));
            }
            for (int kx = 0; kx < width; kx++) {
                int column = kx * dilationWidth;
                boolean columnGuard = mayLeave(column, padLeft, strideWidth, inWidth, outWidth);
                b.add("// tap ($L, $L)\n", ky, kx);
                if (columnGuard) {
                    b.beginControlFlow("if ($L)", inside("ix", column, inWidth));
                }
                b.add(tap.code(Integer.toString(row), Integer.toString(column), Integer.toString(ky * width + kx)));
                if (columnGuard) {
                    b.endControlFlow();
                }
            }
            if (rowGuard) {
                b.endControlFlow();
            }
        }
        return b.build();
    }

    /** True if the tap at {@code offset} falls outside the input for some output position. */
    private static boolean mayLeave(int offset, int padBefore, int stride, int in, int out) {
        int first = offset - padBefore;
        int last = (out - 1) * stride - padBefore + offset;
        return first < 0 || last >= in;
    }

    private static String inside(String origin, int offset, int limit) {
        String at = offset == 0 ? origin : origin + " + " + offset;
        return at + " >= 0 && " + at + " < " + limit;
    }

    /** {@code iy + 2} or {@code iy}. */
    public static String plus(String origin, String offset) {
        return offset.equals("0") ? origin : origin + " + " + offset;
    }
}
