package dev.cnnc.runtime;

/**
 * Keras 2.2.4's weight constraints ({@code keras/constraints.py}), applied by generated models
 * after each update. Norm constraints work on slices: the norm is taken over {@code axes} of the
 * weight's Keras shape, for every index of the other axes.
 */
public final class Constraints {
    private static final double EPSILON = 1e-7;

    private Constraints() {}

    /** {@code non_neg}: negative weights become zero. */
    public static void nonNeg(float[] w) {
        for (int i = 0; i < w.length; i++) {
            if (w[i] < 0) {
                w[i] = 0;
            }
        }
    }

    /** {@code max_norm(max_value, axis)}: {@code w * clip(norm, 0, max) / (epsilon + norm)}. */
    public static void maxNorm(float[] w, int[] shape, int[] axes, double maxValue) {
        minMaxNorm(w, shape, axes, 0.0, maxValue, 1.0);
    }

    /** {@code unit_norm(axis)}: {@code w / (epsilon + norm)}. */
    public static void unitNorm(float[] w, int[] shape, int[] axes) {
        double[] norms = norms(w, shape, axes);
        scale(w, shape, axes, norms, n -> 1.0 / (EPSILON + n));
    }

    /**
     * {@code min_max_norm(min_value, max_value, rate, axis)}: {@code desired = rate * clip(norm, min,
     * max) + (1 - rate) * norm}, then {@code w * desired / (epsilon + norm)}.
     */
    public static void minMaxNorm(float[] w, int[] shape, int[] axes, double minValue, double maxValue, double rate) {
        double[] norms = norms(w, shape, axes);
        scale(w, shape, axes, norms, n -> {
            double desired = rate * Math.min(Math.max(n, minValue), maxValue) + (1 - rate) * n;
            return desired / (EPSILON + n);
        });
    }

    /** Norm of every slice, indexed by the position along the axes not reduced. */
    private static double[] norms(float[] w, int[] shape, int[] axes) {
        boolean[] reduced = reduced(shape, axes);
        double[] sums = new double[sliceCount(shape, reduced)];
        int[] index = new int[shape.length];
        for (int i = 0; i < w.length; i++) {
            sums[slice(index, shape, reduced)] += (double) w[i] * w[i];
            increment(index, shape);
        }
        for (int s = 0; s < sums.length; s++) {
            sums[s] = Math.sqrt(sums[s]);
        }
        return sums;
    }

    private static void scale(float[] w, int[] shape, int[] axes, double[] norms,
            java.util.function.DoubleUnaryOperator factor) {
        boolean[] reduced = reduced(shape, axes);
        double[] factors = new double[norms.length];
        for (int s = 0; s < norms.length; s++) {
            factors[s] = factor.applyAsDouble(norms[s]);
        }
        int[] index = new int[shape.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (w[i] * factors[slice(index, shape, reduced)]);
            increment(index, shape);
        }
    }

    private static boolean[] reduced(int[] shape, int[] axes) {
        boolean[] r = new boolean[shape.length];
        for (int a : axes) {
            r[a < 0 ? a + shape.length : a] = true;
        }
        return r;
    }

    private static int sliceCount(int[] shape, boolean[] reduced) {
        int n = 1;
        for (int d = 0; d < shape.length; d++) {
            if (!reduced[d]) {
                n *= shape[d];
            }
        }
        return n;
    }

    private static int slice(int[] index, int[] shape, boolean[] reduced) {
        int s = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!reduced[d]) {
                s = s * shape[d] + index[d];
            }
        }
        return s;
    }

    /** Row-major increment of a multi-index. */
    private static void increment(int[] index, int[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++index[d] < shape[d]) {
                return;
            }
            index[d] = 0;
        }
    }
}
