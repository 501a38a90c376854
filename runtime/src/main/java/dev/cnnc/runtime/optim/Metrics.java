package dev.cnnc.runtime.optim;

/**
 * Keras 2.2.4's {@code accuracy} metric ({@code keras/metrics.py}), as a count of correct predictions so
 * that the counts of several batches or chunks add up: dividing the total by the number of examples gives
 * the accuracy Keras reports.
 *
 * <p>Keras 2.2.4 picks the accuracy function from the loss and the output shape ({@code Model.compile}):
 * {@link Accuracy#BINARY} for {@code binary_crossentropy} or an output of size 1, otherwise
 * {@link Accuracy#CATEGORICAL} ({@code sparse_categorical_accuracy} for
 * {@code sparse_categorical_crossentropy}, which is categorical accuracy on the one-hot targets cnnc uses).
 *
 * <p>Outputs and targets are laid out as for {@link Loss#compute}: example {@code e} at
 * {@code e * outputSize}. Nothing here allocates.
 */
public final class Metrics {

    /** The two accuracy functions of Keras 2.2.4. */
    public enum Accuracy {
        /**
         * {@code binary_accuracy}: per example, the fraction of elements with {@code round(p) == t}, where
         * {@code round} is TensorFlow's round-half-to-even ({@code round(0.5) = 0}, {@code round(1.5) = 2}).
         */
        BINARY("binary_accuracy"),

        /**
         * {@code categorical_accuracy}: per example 1 if {@code argmax(output) == argmax(target)}, else 0. Ties
         * go to the first maximum, in outputs and targets alike.
         */
        CATEGORICAL("categorical_accuracy");

        private final String kerasName;

        Accuracy(String kerasName) {
            this.kerasName = kerasName;
        }

        /** Keras' function name: {@code binary_accuracy} or {@code categorical_accuracy}. */
        public String kerasName() {
            return kerasName;
        }

        /**
         * The number of correct predictions among examples {@code [from, from + count)}: a whole number for
         * {@link #CATEGORICAL}, a sum of per-example fractions for {@link #BINARY}.
         */
        public double correct(float[] output, float[] targets, int from, int count, int outputSize) {
            return this == BINARY
                    ? binaryCorrect(output, targets, from, count, outputSize)
                    : categoricalCorrect(output, targets, from, count, outputSize);
        }
    }

    private Metrics() {}

    /** Keras 2.2.4's rule: binary accuracy for binary cross-entropy or an output of size 1, else categorical. */
    public static Accuracy accuracyFor(Loss loss, int outputSize) {
        return loss == Loss.BINARY_CROSSENTROPY || outputSize == 1 ? Accuracy.BINARY : Accuracy.CATEGORICAL;
    }

    /** {@link #accuracyFor(Loss, int)} for a loss kind. */
    public static Accuracy accuracyFor(LossKind loss, int outputSize) {
        return accuracyFor(Loss.of(loss), outputSize);
    }

    /**
     * The number of correct predictions among examples {@code [from, from + count)} by the accuracy Keras
     * 2.2.4 uses with this loss ({@link #accuracyFor(Loss, int)}). Callers in a loop should pick the
     * {@link Accuracy} once instead.
     *
     * @throws IllegalArgumentException for ranges that do not fit the buffers
     */
    public static double correct(LossKind loss, float[] output, float[] targets, int from, int count, int outputSize) {
        return accuracyFor(loss, outputSize).correct(output, targets, from, count, outputSize);
    }

    /** {@link #correct(LossKind, float[], float[], int, int, int)} for a {@link Loss}. */
    public static double correct(Loss loss, float[] output, float[] targets, int from, int count, int outputSize) {
        return accuracyFor(loss, outputSize).correct(output, targets, from, count, outputSize);
    }

    /** The sum over examples {@code [from, from + count)} of the fraction of elements with {@code round(p) == t}. */
    public static double binaryCorrect(float[] output, float[] targets, int from, int count, int outputSize) {
        checkArguments(output, targets, from, count, outputSize);
        double correct = 0;
        for (int e = from; e < from + count; e++) {
            int base = e * outputSize;
            int matches = 0;
            for (int j = base; j < base + outputSize; j++) {
                if (Math.rint(output[j]) == targets[j]) {
                    matches++;
                }
            }
            correct += (double) matches / outputSize;
        }
        return correct;
    }

    /** The number of examples in {@code [from, from + count)} with {@code argmax(output) == argmax(target)}. */
    public static double categoricalCorrect(float[] output, float[] targets, int from, int count, int outputSize) {
        checkArguments(output, targets, from, count, outputSize);
        int correct = 0;
        for (int e = from; e < from + count; e++) {
            int base = e * outputSize;
            if (argmax(output, base, outputSize) == argmax(targets, base, outputSize)) {
                correct++;
            }
        }
        return correct;
    }

    /**
     * The index, relative to {@code offset}, of the largest of {@code x[offset, offset + length)}, the first
     * one on ties. NaN never compares larger, so it wins only in first place.
     */
    public static int argmax(float[] x, int offset, int length) {
        int best = 0;
        float max = x[offset];
        for (int j = 1; j < length; j++) {
            if (x[offset + j] > max) {
                max = x[offset + j];
                best = j;
            }
        }
        return best;
    }

    private static void checkArguments(float[] output, float[] targets, int from, int count, int outputSize) {
        if (outputSize < 1 || from < 0 || count < 0) {
            throw new IllegalArgumentException(
                    "bad range: from=" + from + ", count=" + count + ", outputSize=" + outputSize);
        }
        long end = ((long) from + count) * outputSize;
        if (end > output.length || end > targets.length) {
            throw new IllegalArgumentException("examples [" + from + ", " + (from + count) + ") of " + outputSize
                    + " floats need " + end + " values, but output has " + output.length + ", targets "
                    + targets.length);
        }
    }
}
