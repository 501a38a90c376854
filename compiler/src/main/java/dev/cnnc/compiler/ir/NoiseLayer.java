package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;

/**
 * The layers of Keras 2.2.4 that add noise in training and are the identity in inference:
 * {@code Dropout} and {@code SpatialDropout2D} ({@code core.py}), {@code GaussianNoise} and
 * {@code GaussianDropout} ({@code noise.py}).
 *
 * <ul>
 * <li>{@link Kind#DROPOUT}: inverted dropout as TensorFlow's {@code tf.nn.dropout}: each mask element is
 *     kept with probability {@code 1 - rate} and then scaled by {@code 1 / (1 - rate)}, else 0; active only
 *     if {@code 0 < rate < 1}. The mask has the shape {@link #maskShape()} per example and is broadcast
 *     over its axes of length 1 ({@code noise_shape}; SpatialDropout2D drops whole channels).
 * <li>{@link Kind#GAUSSIAN_NOISE}: {@code x + N(0, stddev)} elementwise ({@code amount} is stddev).
 * <li>{@link Kind#GAUSSIAN_DROPOUT}: {@code x * N(1, sqrt(rate / (1 - rate)))}, active only if
 *     {@code 0 < rate < 1}.
 * </ul>
 *
 * @param kerasClass {@code Dropout}, {@code SpatialDropout2D}, {@code GaussianNoise} or {@code GaussianDropout}
 * @param amount the rate (clipped to [0, 1] for Dropout, as Keras does) or the standard deviation
 * @param maskShape one example's mask: the input's shape with broadcast axes of length 1
 * @param seed the layer's {@code seed=}, mixed into every example's stream; null for none
 */
public record NoiseLayer(String name, Span span, String kerasClass, Shape inputShape, Kind kind, double amount,
        int[] maskShape, Long seed) implements Layer {

    public enum Kind {
        DROPOUT, GAUSSIAN_NOISE, GAUSSIAN_DROPOUT
    }

    @Override
    public Shape outputShape() {
        return inputShape;
    }

    /** False if the layer is the identity in training too (a rate of 0 or 1, a standard deviation of 0). */
    public boolean active() {
        return kind == Kind.GAUSSIAN_NOISE ? amount > 0 : amount > 0 && amount < 1;
    }

    /** Elements of one example's mask. */
    public int maskSize() {
        int n = 1;
        for (int d : maskShape) {
            n *= d;
        }
        return n;
    }

    @Override
    public long multiplyAdds() {
        return 0;
    }
}
