package dev.cnnc.runtime;

/**
 * Keras' {@code L1L2} regularization ({@code l1 * sum|x| + l2 * sum x^2}) and its gradient,
 * called by generated models for kernel, bias and activity regularizers.
 */
public final class Penalties {
    private Penalties() {}

    /** The penalty of {@code x[from, to)}, summed in double in a fixed order. */
    public static double penalty(float[] x, int from, int to, double l1, double l2) {
        double sumAbs = 0;
        double sumSquares = 0;
        for (int i = from; i < to; i++) {
            sumAbs += Math.abs(x[i]);
            sumSquares += (double) x[i] * x[i];
        }
        return l1 * sumAbs + l2 * sumSquares;
    }

    /** Adds the penalty's gradient {@code l1 sign(x) + 2 l2 x} to {@code g[from, to)}. */
    public static void addGradient(float[] x, float[] g, int from, int to, double l1, double l2) {
        float a = (float) l1;
        float b = (float) (2 * l2);
        for (int i = from; i < to; i++) {
            g[i] += a * Math.signum(x[i]) + b * x[i];
        }
    }
}
