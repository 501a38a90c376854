package dev.cnnc.runtime.optim;

import dev.cnnc.runtime.ActivationKind;

/**
 * The losses of Keras 2.2.4 ({@code keras/losses.py} over {@code keras/backend/tensorflow_backend.py}) that
 * cnnc trains with: the per-example value Keras reports and the gradient of the batch mean.
 *
 * <p>Outputs and targets are flat buffers of examples laid out one after another, {@code outputSize} floats
 * each. Targets always have the outputs' layout: the trainer turns sparse labels into one-hot rows. With
 * {@code o} an example's outputs, {@code t} its targets, {@code n = outputSize}, {@code N = batchTotal} and
 * {@code clip(x) = min(max(x, EPSILON), ONE_MINUS_EPSILON)}:
 *
 * <table>
 * <caption>Per-example losses</caption>
 * <tr><th>loss</th><th>per-example value</th></tr>
 * <tr><td>{@code categorical_crossentropy}</td><td>{@code q = o / sum(o); -sum_j t_j log(clip(q_j))}</td></tr>
 * <tr><td>{@code sparse_categorical_crossentropy}</td>
 *     <td>{@code c = clip(o); -sum_j t_j log(c_j / sum(c))} (Keras clips, takes the log and applies a
 *     softmax: it clips before normalizing, where the categorical loss normalizes before clipping)</td></tr>
 * <tr><td>{@code binary_crossentropy}</td>
 *     <td>{@code c = clip(o); mean_j -(t_j log(c_j) + (1 - t_j) log(1 - c_j))}</td></tr>
 * <tr><td>{@code mean_squared_error}</td><td>{@code mean_j (o_j - t_j)^2}</td></tr>
 * </table>
 *
 * <p><b>Gradients</b> are of the batch mean {@code (1/N) sum_examples loss}, written in the outputs' layout.
 * Without {@code logits} they are with respect to the outputs and are the exact derivatives of the formulas
 * above, where, as in TensorFlow, {@code clip} passes the gradient for inputs in
 * {@code [EPSILON, ONE_MINUS_EPSILON]} and stops it outside:
 *
 * <ul>
 * <li>categorical: {@code (T_in / sum(o) - [q_j in range] t_j / o_j) / N}, where {@code T_in} sums the
 *     {@code t_k} whose {@code q_k} is in range (the derivative through the normalization);
 * <li>sparse categorical: {@code [o_j in range] (T / sum(c) - t_j / o_j) / N} with {@code T = sum(t)};
 * <li>binary: {@code [o_j in range] (o_j - t_j) / (o_j (1 - o_j)) / (N n)};
 * <li>mean squared error: {@code 2 (o_j - t_j) / (N n)}.
 * </ul>
 *
 * <p>With {@code logits} (only when {@link #fusesWith} the last layer's activation) they are with respect to
 * the last layer's pre-activation values, ignoring the clipping:
 *
 * <ul>
 * <li>categorical and sparse categorical with {@code softmax}: {@code (o_j T - t_j) / N}, that is
 *     {@code (p - t) / N} for one-hot targets ({@code T = sum(t) = 1});
 * <li>binary with {@code sigmoid}: {@code (o_j - t_j) / (N n)}.
 * </ul>
 *
 * <p>Everything is computed in double in a fixed order with {@link StrictMath#log}, so results are
 * deterministic; {@link #compute} allocates nothing. Cross-entropy terms whose target is exactly zero are
 * skipped (their logarithm is not evaluated).
 */
public enum Loss {
    CATEGORICAL_CROSSENTROPY("categorical_crossentropy", ActivationKind.SOFTMAX) {
        @Override
        double example(float[] o, float[] t, int base, int n, int batchTotal, float[] gradient, boolean logits) {
            return categorical(o, t, base, n, batchTotal, gradient, logits);
        }
    },
    SPARSE_CATEGORICAL_CROSSENTROPY("sparse_categorical_crossentropy", ActivationKind.SOFTMAX) {
        @Override
        double example(float[] o, float[] t, int base, int n, int batchTotal, float[] gradient, boolean logits) {
            return sparseCategorical(o, t, base, n, batchTotal, gradient, logits);
        }
    },
    BINARY_CROSSENTROPY("binary_crossentropy", ActivationKind.SIGMOID) {
        @Override
        double example(float[] o, float[] t, int base, int n, int batchTotal, float[] gradient, boolean logits) {
            return binary(o, t, base, n, batchTotal, gradient, logits);
        }
    },
    MEAN_SQUARED_ERROR("mean_squared_error", null) {
        @Override
        double example(float[] o, float[] t, int base, int n, int batchTotal, float[] gradient, boolean logits) {
            return meanSquared(o, t, base, n, batchTotal, gradient);
        }
    };

    /** Keras' {@code K.epsilon()} = 1e-7 as the float32 TensorFlow clips with (1.0000000116860974e-7). */
    public static final double EPSILON = 1e-7f;

    /** {@code 1 - K.epsilon()} computed in float32, as TensorFlow does: 1 - 2^-23 = 0.99999988079071044921875. */
    public static final double ONE_MINUS_EPSILON = 1f - 1e-7f;

    private final String kerasName;
    private final ActivationKind fusedActivation;

    Loss(String kerasName, ActivationKind fusedActivation) {
        this.kerasName = kerasName;
        this.fusedActivation = fusedActivation;
    }

    /** The implementation of a loss kind (they correspond one to one, by name). */
    public static Loss of(LossKind kind) {
        return switch (kind) {
            case CATEGORICAL_CROSSENTROPY -> CATEGORICAL_CROSSENTROPY;
            case SPARSE_CATEGORICAL_CROSSENTROPY -> SPARSE_CATEGORICAL_CROSSENTROPY;
            case BINARY_CROSSENTROPY -> BINARY_CROSSENTROPY;
            case MEAN_SQUARED_ERROR -> MEAN_SQUARED_ERROR;
        };
    }

    /** The kind this loss implements. */
    public LossKind kind() {
        return LossKind.valueOf(name());
    }

    /** Keras' name: {@code categorical_crossentropy}. */
    public String kerasName() {
        return kerasName;
    }

    /**
     * Whether {@link #compute} can give the gradient with respect to the logits of a last layer with this
     * activation: the cross-entropies with {@code softmax}, the binary cross-entropy with {@code sigmoid}.
     */
    public boolean fusesWith(ActivationKind outputActivation) {
        return fusedActivation != null && fusedActivation == outputActivation;
    }

    /**
     * The loss of examples {@code [from, from + count)} and the gradient of the batch mean.
     *
     * @param output the outputs (probabilities for the cross-entropies); example {@code e} starts at
     *     {@code e * outputSize}
     * @param targets the targets, in the layout of {@code output}
     * @param outputSize floats per example ({@code n})
     * @param batchTotal the number of examples in the whole batch ({@code N}), which the gradient is divided by
     * @param gradient receives the gradient of the batch-mean loss for the same examples, in the layout of
     *     {@code output}; other examples are left alone; {@code null} to compute the loss only
     * @param logits whether the gradient is with respect to the last layer's pre-activation values (see the
     *     class comment); requires a loss that fuses with the layer's activation, which the caller checks with
     *     {@link #fusesWith}
     * @return the sum over the examples of the per-example loss as Keras reports it
     * @throws IllegalArgumentException if the ranges do not fit the buffers, or {@code logits} is set for mean
     *     squared error
     */
    public final double compute(float[] output, float[] targets, int from, int count, int outputSize, int batchTotal,
            float[] gradient, boolean logits) {
        checkArguments(output, targets, from, count, outputSize, batchTotal, gradient, logits);
        double sum = 0;
        for (int e = from; e < from + count; e++) {
            sum += example(output, targets, e * outputSize, outputSize, batchTotal, gradient, logits);
        }
        return sum;
    }

    /** One example's loss, writing its gradient if {@code gradient} is not null. */
    abstract double example(float[] o, float[] t, int base, int n, int batchTotal, float[] gradient, boolean logits);

    private void checkArguments(float[] output, float[] targets, int from, int count, int outputSize, int batchTotal,
            float[] gradient, boolean logits) {
        if (outputSize < 1 || batchTotal < 1 || from < 0 || count < 0) {
            throw new IllegalArgumentException(kerasName + ": bad range: from=" + from + ", count=" + count
                    + ", outputSize=" + outputSize + ", batchTotal=" + batchTotal);
        }
        long end = ((long) from + count) * outputSize;
        if (end > output.length || end > targets.length || (gradient != null && end > gradient.length)) {
            throw new IllegalArgumentException(kerasName + ": examples [" + from + ", " + (from + count) + ") of "
                    + outputSize + " floats need " + end + " values, but output has " + output.length + ", targets "
                    + targets.length + (gradient == null ? "" : ", gradient " + gradient.length));
        }
        if (logits && fusedActivation == null) {
            throw new IllegalArgumentException(kerasName + " has no gradient with respect to logits");
        }
    }

    static double clip(double x) {
        return x < EPSILON ? EPSILON : (x > ONE_MINUS_EPSILON ? ONE_MINUS_EPSILON : x);
    }

    /** Whether {@code clip} passes the gradient at {@code x} (TensorFlow: inside the closed range). */
    static boolean passes(double x) {
        return x >= EPSILON && x <= ONE_MINUS_EPSILON;
    }

    private static double sum(float[] x, int base, int n) {
        double s = 0;
        for (int j = base; j < base + n; j++) {
            s += x[j];
        }
        return s;
    }

    /** {@code (o_j T - t_j) / N}: the softmax-fused gradient of either categorical cross-entropy. */
    private static void softmaxGradient(float[] o, float[] t, int base, int n, int batchTotal, float[] gradient) {
        double targetSum = sum(t, base, n);
        for (int j = base; j < base + n; j++) {
            gradient[j] = (float) (((double) o[j] * targetSum - t[j]) / batchTotal);
        }
    }

    static double categorical(float[] o, float[] t, int base, int n, int batchTotal, float[] gradient, boolean logits) {
        double s = sum(o, base, n);
        double loss = 0;
        double targetsInRange = 0;
        for (int j = base; j < base + n; j++) {
            double tj = t[j];
            if (tj != 0) {
                double q = o[j] / s;
                loss -= tj * StrictMath.log(clip(q));
                if (passes(q)) {
                    targetsInRange += tj;
                }
            }
        }
        if (gradient != null) {
            if (logits) {
                softmaxGradient(o, t, base, n, batchTotal, gradient);
            } else {
                for (int j = base; j < base + n; j++) {
                    double g = targetsInRange / s;
                    double tj = t[j];
                    if (tj != 0 && passes(o[j] / s)) {
                        g -= tj / o[j];
                    }
                    gradient[j] = (float) (g / batchTotal);
                }
            }
        }
        return loss;
    }

    static double sparseCategorical(float[] o, float[] t, int base, int n, int batchTotal, float[] gradient,
            boolean logits) {
        double clippedSum = 0;
        for (int j = base; j < base + n; j++) {
            clippedSum += clip(o[j]);
        }
        double loss = 0;
        for (int j = base; j < base + n; j++) {
            double tj = t[j];
            if (tj != 0) {
                loss -= tj * StrictMath.log(clip(o[j]) / clippedSum);
            }
        }
        if (gradient != null) {
            if (logits) {
                softmaxGradient(o, t, base, n, batchTotal, gradient);
            } else {
                double perSum = sum(t, base, n) / clippedSum;
                for (int j = base; j < base + n; j++) {
                    double g = passes(o[j]) ? perSum - t[j] / (double) o[j] : 0;
                    gradient[j] = (float) (g / batchTotal);
                }
            }
        }
        return loss;
    }

    static double binary(float[] o, float[] t, int base, int n, int batchTotal, float[] gradient, boolean logits) {
        double loss = 0;
        for (int j = base; j < base + n; j++) {
            double c = clip(o[j]);
            double tj = t[j];
            if (tj != 0) {
                loss -= tj * StrictMath.log(c);
            }
            if (tj != 1) {
                loss -= (1 - tj) * StrictMath.log(1 - c);
            }
        }
        if (gradient != null) {
            double scale = (double) batchTotal * n;
            for (int j = base; j < base + n; j++) {
                double p = o[j];
                double g;
                if (logits) {
                    g = p - t[j];
                } else {
                    g = passes(p) ? (p - t[j]) / (p * (1 - p)) : 0;
                }
                gradient[j] = (float) (g / scale);
            }
        }
        return loss / n;
    }

    static double meanSquared(float[] o, float[] t, int base, int n, int batchTotal, float[] gradient) {
        double loss = 0;
        for (int j = base; j < base + n; j++) {
            double d = (double) o[j] - t[j];
            loss += d * d;
        }
        if (gradient != null) {
            double scale = (double) batchTotal * n;
            for (int j = base; j < base + n; j++) {
                gradient[j] = (float) (2 * ((double) o[j] - t[j]) / scale);
            }
        }
        return loss / n;
    }
}
