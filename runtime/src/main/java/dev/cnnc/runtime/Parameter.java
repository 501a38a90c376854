package dev.cnnc.runtime;

import java.util.Arrays;

/**
 * One tensor of a generated model, in Keras' layout ({@code (kh, kw, in, out)} for a conv kernel,
 * {@code (in, units)} for a dense one): either a <em>trainable</em> weight (a kernel or a bias) with
 * its gradient, or non-trainable <em>state</em> (BatchNormalization's moving mean and variance),
 * which has no gradient and is changed only by {@link Network#updateState}.
 *
 * <p>Values are shared between a model and its replicas; gradients are not. Both kinds are listed by
 * {@link Network#parameters()} and saved in weights files, as Keras' {@code model.weights} holds both;
 * optimizers, gradient reductions and regularizers use only the trainable ones.
 */
public final class Parameter {
    private static final float[] NO_GRADIENTS = new float[0];

    private final String name;
    private final int[] shape;
    private final float[] values;
    private final float[] gradients;
    private final boolean trainable;

    /** A trainable weight with its gradient buffer (of the values' length). */
    public Parameter(String name, int[] shape, float[] values, float[] gradients) {
        if (values.length != gradients.length) {
            throw new IllegalArgumentException(name + ": values and gradients differ in length");
        }
        this.name = name;
        this.shape = shape.clone();
        this.values = values;
        this.gradients = gradients;
        this.trainable = true;
    }

    private Parameter(String name, int[] shape, float[] values) {
        this.name = name;
        this.shape = shape.clone();
        this.values = values;
        this.gradients = NO_GRADIENTS;
        this.trainable = false;
    }

    /**
     * Non-trainable state: values without gradients, such as {@code batch_normalization_1/moving_mean}.
     * Its {@link #gradients()} is empty.
     */
    public static Parameter state(String name, int[] shape, float[] values) {
        return new Parameter(name, shape, values);
    }

    /** Keras' weight name: {@code conv2d_1/kernel}. */
    public String name() {
        return name;
    }

    /** The shape in Keras' layout; a copy. */
    public int[] shape() {
        return shape.clone();
    }

    /** The number of values. */
    public int size() {
        return values.length;
    }

    /** Whether an optimizer updates this tensor (Keras' {@code trainable}); false for state. */
    public boolean trainable() {
        return trainable;
    }

    /** The values, shared with the model: optimizers (or {@link Network#updateState}) update them in place. */
    public float[] values() {
        return values;
    }

    /** The gradients accumulated by the last backward passes; empty for state. */
    public float[] gradients() {
        return gradients;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + (trainable ? "" : " (state)");
    }
}
