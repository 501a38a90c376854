package dev.cnnc.compiler.ir;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * The shape of one example's tensor, without the batch dimension, in Keras' order: {@code (26, 26,
 * 32)} for a channels-last feature map, {@code (576)} for a flat vector. Each layer interprets the
 * dimensions through its own {@link DataFormat}, as Keras does.
 */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        for (int d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("dimensions must be positive: " + Arrays.toString(dims));
            }
        }
        return new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int i) {
        return dims[i];
    }

    public int[] dims() {
        return dims.clone();
    }

    /** The number of floats in one example's tensor; may exceed {@code int}. */
    public long size() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** Keras' printed form with the batch dimension: {@code (None, 26, 26, 32)}. */
    public String toKeras() {
        StringJoiner j = new StringJoiner(", ", "(None, ", ")");
        for (int d : dims) {
            j.add(Integer.toString(d));
        }
        return j.toString();
    }

    /** {@code 26x26x32}, as used in messages and comments. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner("x");
        for (int d : dims) {
            j.add(Integer.toString(d));
        }
        return j.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }
}
