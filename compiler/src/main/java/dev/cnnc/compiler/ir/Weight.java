package dev.cnnc.compiler.ir;

/**
 * A trainable tensor of a layer: a kernel or a bias, with its Keras shape and how it is
 * initialized, regularized and constrained.
 *
 * @param role {@code kernel} or {@code bias}
 * @param shape Keras' layout: {@code (kh, kw, in, out)} for a conv kernel, {@code (in, units)} for a dense one
 * @param fanIn Keras' {@code _compute_fans} for the shape
 * @param regularizer null if none
 * @param constraint null if none
 */
public record Weight(String role, int[] shape, Initializer initializer, Regularizer regularizer, Constraint constraint,
        double fanIn, double fanOut) {

    /** A weight whose fans are computed from its shape as Keras 2.2.4 does. */
    public static Weight of(String role, int[] shape, Initializer initializer, Regularizer regularizer,
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
        return new Weight(role, shape, initializer, regularizer, constraint, fanIn, fanOut);
    }

    public int size() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
