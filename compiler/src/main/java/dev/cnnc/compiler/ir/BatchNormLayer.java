package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.Span;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code BatchNormalization}: each channel (the values along {@code axis}) normalized with the
 * statistics of the whole training batch, or with the moving statistics at inference, then scaled
 * by {@code gamma} and shifted by {@code beta}. Keras 2.2.4 with TensorFlow: biased batch variance
 * for the normalization; the moving mean and variance follow TensorFlow's zero-debiased moving
 * average of the batch mean and of the variance times {@code m / (m - (1 + epsilon))} (and, on
 * TensorFlow's fused path for channels-last images, times {@code m / (m - 1)} first), {@code m}
 * the number of values per channel in the batch.
 *
 * @param axis the channel axis as an index into the shape without the batch dimension
 * @param fused true where Keras 2.2.4 takes TensorFlow's fused kernel on a CPU (a rank-3 input
 *     normalized along its last axis), whose variance already carries Bessel's correction
 */
public record BatchNormLayer(String name, Span span, Shape inputShape, Shape outputShape, int axis, double momentum,
        double epsilon, boolean center, boolean scale, Initializer betaInitializer, Initializer gammaInitializer,
        Initializer movingMeanInitializer, Initializer movingVarianceInitializer, Regularizer betaRegularizer,
        Regularizer gammaRegularizer, Constraint betaConstraint, Constraint gammaConstraint, boolean fused)
        implements Layer {

    @Override
    public String kerasClass() {
        return "BatchNormalization";
    }

    /** The number of channels: the size of the normalized axis. */
    public int channels() {
        return inputShape.dim(axis);
    }

    /** Values of one example before the channel axis: {@code h * w} for channels-last images. */
    public int outer() {
        int n = 1;
        for (int i = 0; i < axis; i++) {
            n *= inputShape.dim(i);
        }
        return n;
    }

    /** Values of one example after the channel axis: {@code h * w} for channels-first images. */
    public int inner() {
        int n = 1;
        for (int i = axis + 1; i < inputShape.rank(); i++) {
            n *= inputShape.dim(i);
        }
        return n;
    }

    /** Keras' order: gamma, beta (trainable), moving_mean, moving_variance (state). */
    @Override
    public List<Weight> weights() {
        int[] c = {channels()};
        List<Weight> w = new ArrayList<>(4);
        if (scale) {
            w.add(Weight.of(Weight.Role.GAMMA, c, gammaInitializer, gammaRegularizer, gammaConstraint));
        }
        if (center) {
            w.add(Weight.of(Weight.Role.BETA, c, betaInitializer, betaRegularizer, betaConstraint));
        }
        w.add(Weight.of(Weight.Role.MOVING_MEAN, c, false, movingMeanInitializer, null, null));
        w.add(Weight.of(Weight.Role.MOVING_VARIANCE, c, false, movingVarianceInitializer, null, null));
        return w;
    }

    /** One multiply-add per value (the folded scale and shift). */
    @Override
    public long multiplyAdds() {
        return inputShape.size();
    }
}
