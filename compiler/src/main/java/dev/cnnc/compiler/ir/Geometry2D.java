package dev.cnnc.compiler.ir;

/**
 * Where a 2-D window (a convolution kernel or a pooling window) reads its input: the input's size,
 * the window, strides, dilation, padding and data format, and the output size they give. Shared by
 * convolutions and poolings so that the padding split and the output formulas exist once.
 *
 * <p>Output size per axis {@code floor((n - d(k-1) - 1) / s) + 1} with {@code valid}, {@code ceil(n / s)}
 * with {@code same}; with {@code same}, an odd total padding puts the extra row at the bottom and the
 * extra column at the right (TensorFlow's rule, see {@link Padding}).
 */
public record Geometry2D(DataFormat dataFormat, int inHeight, int inWidth, int channels, int kernelHeight,
        int kernelWidth, int strideHeight, int strideWidth, int dilationHeight, int dilationWidth, Padding padding,
        int outHeight, int outWidth) {

    /**
     * The geometry of a window on {@code input} (rank 3, read through {@code format}); its output size
     * is below 1 on an axis where the window does not fit ({@link #fits()}).
     */
    public static Geometry2D of(Shape input, DataFormat format, int[] kernel, int[] strides, int[] dilation,
            Padding padding) {
        int h = format.height(input);
        int w = format.width(input);
        long outH = padding.outputLength(h, kernel[0], strides[0], dilation[0]);
        long outW = padding.outputLength(w, kernel[1], strides[1], dilation[1]);
        return new Geometry2D(format, h, w, format.channels(input), kernel[0], kernel[1], strides[0], strides[1],
                dilation[0], dilation[1], padding, (int) Math.max(0, outH), (int) Math.max(0, outW));
    }

    /** True if the window fits the (padded) input at least once on both axes. */
    public boolean fits() {
        return outHeight >= 1 && outWidth >= 1;
    }

    /** The output's shape with {@code channels} channels, in the data format. */
    public Shape outputShape(int outChannels) {
        return dataFormat.shape(outHeight, outWidth, outChannels);
    }

    /** Taps in the window. */
    public int taps() {
        return kernelHeight * kernelWidth;
    }

    /** Padding rows above the input. */
    public int padTop() {
        return padding.padBefore(inHeight, kernelHeight, strideHeight, dilationHeight);
    }

    public int padBottom() {
        return padding.padAfter(inHeight, kernelHeight, strideHeight, dilationHeight);
    }

    public int padLeft() {
        return padding.padBefore(inWidth, kernelWidth, strideWidth, dilationWidth);
    }

    public int padRight() {
        return padding.padAfter(inWidth, kernelWidth, strideWidth, dilationWidth);
    }

    public boolean channelsLast() {
        return dataFormat == DataFormat.CHANNELS_LAST;
    }

    /** {@code (0, 1, 0, 1) (top, bottom, left, right)}, for comments. */
    public String describePads() {
        return "(" + padTop() + ", " + padBottom() + ", " + padLeft() + ", " + padRight() + ") (top, bottom, left, right)";
    }
}
