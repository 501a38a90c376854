package dev.cnnc.compiler.ir;

/**
 * Keras' two padding modes and TensorFlow's rule for the output size and for where the padding
 * goes ({@code tensorflow/core/framework/kernel_shape_util.cc}): with {@code same}, an odd total
 * padding puts the extra row at the bottom and the extra column at the right.
 */
public enum Padding {
    VALID("valid"),
    SAME("same");

    private final String keras;

    Padding(String keras) {
        this.keras = keras;
    }

    public String keras() {
        return keras;
    }

    /**
     * The output length along one axis, or a value below 1 if the window does not fit.
     *
     * @param n input length
     * @param k window (kernel or pool) length
     * @param s stride
     * @param d dilation
     */
    public long outputLength(long n, long k, long s, long d) {
        long effective = d * (k - 1) + 1;
        return this == VALID ? Math.floorDiv(n - effective, s) + 1 : (n + s - 1) / s;
    }

    /** Rows or columns of padding before the first input element (top or left). */
    public int padBefore(int n, int k, int s, int d) {
        return (int) (totalPadding(n, k, s, d) / 2);
    }

    /** Rows or columns of padding after the last input element (bottom or right). */
    public int padAfter(int n, int k, int s, int d) {
        long total = totalPadding(n, k, s, d);
        return (int) (total - total / 2);
    }

    private long totalPadding(long n, long k, long s, long d) {
        if (this == VALID) {
            return 0;
        }
        long out = outputLength(n, k, s, d);
        return Math.max(0, (out - 1) * s + d * (k - 1) + 1 - n);
    }
}
