package dev.cnnc.runtime.train;

/**
 * Probabilities from logits, for losses with {@code from_logits=True} and for showing a logits
 * model's predictions: per example, softmax over its outputs (in double, after subtracting the
 * largest, with {@link StrictMath#exp}: deterministic), or the sigmoid of each output for a binary
 * cross-entropy.
 */
public final class Probabilities {
    private Probabilities() {}

    /** Writes the probabilities of the first {@code count} examples of {@code logits} into {@code out}. */
    public static void of(float[] logits, float[] out, int count, int outputSize, boolean sigmoid) {
        for (int e = 0; e < count; e++) {
            int base = e * outputSize;
            if (sigmoid) {
                for (int j = base; j < base + outputSize; j++) {
                    out[j] = (float) (1 / (1 + StrictMath.exp(-(double) logits[j])));
                }
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = base; j < base + outputSize; j++) {
                max = Math.max(max, logits[j]);
            }
            double sum = 0;
            for (int j = base; j < base + outputSize; j++) {
                sum += StrictMath.exp(logits[j] - max);
            }
            for (int j = base; j < base + outputSize; j++) {
                out[j] = (float) (StrictMath.exp(logits[j] - max) / sum);
            }
        }
    }
}
