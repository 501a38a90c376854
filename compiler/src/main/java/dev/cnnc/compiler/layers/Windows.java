package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.LayerContext;

/** What the windowed layers (convolutions, poolings) check and say alike. */
final class Windows {
    private Windows() {}

    /** Reports and returns false unless the layer's input has 3 dimensions. */
    static boolean checkRank3(LayerContext ctx, String kerasClass) {
        if (ctx.input().rank() == 1) {
            ctx.error(kerasClass + " needs an input of 3 dimensions (height, width, channels), but its input is flat ("
                    + ctx.input() + " values)");
            return false;
        }
        if (ctx.input().rank() != 3) {
            ctx.error(kerasClass + " needs an input of 3 dimensions (height, width, channels), but its input has "
                    + ctx.input().rank() + " (" + ctx.input() + ")");
            return false;
        }
        return true;
    }

    static String pair(int[] p) {
        return "(" + p[0] + ", " + p[1] + ")";
    }

    /** {@code 3x3}, or {@code 3x3 dilated by (2, 2) (spans 5x5)}. */
    static String kernelText(int[] kernel, int[] dilation) {
        String k = kernel[0] + "x" + kernel[1];
        if (dilation[0] == 1 && dilation[1] == 1) {
            return k;
        }
        return k + " dilated by " + pair(dilation) + " (spans " + (dilation[0] * (kernel[0] - 1) + 1) + "x"
                + (dilation[1] * (kernel[1] - 1) + 1) + ")";
    }
}
