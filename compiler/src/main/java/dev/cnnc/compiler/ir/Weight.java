package dev.cnnc.compiler.ir;

import java.util.Locale;

/**
 * A tensor of a layer: a kernel, a bias, or (for the layers to come) a scale, an offset or a moving
 * statistic, with its Keras shape, whether optimizers train it, and how it is initialized,
 * regularized and constrained.
 *
 * @param role what the tensor is for; its Keras name ({@code kernel}) ends the weight's name ({@code conv2d_1/kernel})
 * @param shape Keras' layout: {@code (kh, kw, in, out)} for a conv kernel, {@code (in, units)} for a dense one
 * @param trainable false for state that training computes rather than learns (BatchNormalization's moving mean)
 * @param fanIn Keras' {@code _compute_fans} for the shape
 * @param regularizer null if none
 * @param constraint null if none
 */
public record Weight(Role role, int[] shape, boolean trainable, Initializer initializer, Regularizer regularizer,
        Constraint constraint, double fanIn, double fanOut) {

    /** What a weight is for, with Keras' name for it. */
    public enum Role {
        KERNEL, BIAS, DEPTHWISE_KERNEL, POINTWISE_KERNEL, GAMMA, BETA, MOVING_MEAN, MOVING_VARIANCE, ALPHA,
        /** TensorFlow's counter of moving-average updates (hidden state of BatchNormalization). */
        LOCAL_STEP;

        /** Keras' name: {@code kernel}, {@code moving_mean}. */
        public String keras() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A trainable weight whose fans are computed from its shape as Keras 2.2.4 does. */
    public static Weight of(Role role, int[] shape, Initializer initializer, Regularizer regularizer,
            Constraint constraint) {
        return of(role, shape, true, initializer, regularizer, constraint);
    }

    /** A weight whose fans are computed from its shape as Keras 2.2.4 does. */
    public static Weight of(Role role, int[] shape, boolean trainable, Initializer initializer, Regularizer regularizer,
            Constraint constraint) {
        double fanIn;
        double fanOut;
        if (shape.length == 2) {
            fanIn = shape[0];
            fanOut = shape[1];
        } else if (shape.length >= 3) {
            long receptive = 1;
            for (int i = 0; i < shape.length - 2; i++) {
                receptive *= shape[i];
            }
            fanIn = (double) shape[shape.length - 2] * receptive;
            fanOut = (double) shape[shape.length - 1] * receptive;
        } else {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            fanIn = Math.sqrt(n);
            fanOut = fanIn;
        }
        return new Weight(role, shape.clone(), trainable, initializer, regularizer, constraint, fanIn, fanOut);
    }

    public int size() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
