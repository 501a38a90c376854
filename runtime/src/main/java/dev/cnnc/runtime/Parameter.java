package dev.cnnc.runtime;

import java.util.Arrays;

/**
 * One trainable tensor of a generated model: a kernel or a bias, its gradient, and its shape in
 * Keras' layout ({@code (kh, kw, in, out)} for a conv kernel, {@code (in, units)} for a dense one).
 * Values are shared between a model and its replicas; gradients are not.
 */
public final class Parameter {
    private final String name;
    private final int[] shape;
    private final float[] values;
    private final float[] gradients;

    public Parameter(String name, int[] shape, float[] values, float[] gradients) {
        if (values.length != gradients.length) {
            throw new IllegalArgumentException(name + ": values and gradients differ in length");
        }
        this.name = name;
        this.shape = shape.clone();
        this.values = values;
        this.gradients = gradients;
    }

    /** Keras' weight name: {@code conv2d_1/kernel}. */
    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        return values.length;
    }

    /** The values, shared with the model: optimizers update them in place. */
    public float[] values() {
        return values;
    }

    /** The gradients accumulated by the last backward passes. */
    public float[] gradients() {
        return gradients;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
