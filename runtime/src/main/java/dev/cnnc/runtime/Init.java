package dev.cnnc.runtime;

/**
 * Keras 2.2.4's initializers ({@code keras/initializers.py}), called by generated constructors.
 * Fans are computed by the compiler from the weight's Keras shape.
 */
public final class Init {
    /** {@code VarianceScaling} normal draws from a normal truncated at 2 stddev, rescaled by this. */
    static final double TRUNCATION_STDDEV = 0.87962566103423978;

    private Init() {}

    public static void constant(float[] w, double value) {
        java.util.Arrays.fill(w, (float) value);
    }

    public static void normal(float[] w, double mean, double stddev, Rng rng) {
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (mean + stddev * rng.nextGaussian());
        }
    }

    public static void uniform(float[] w, double min, double max, Rng rng) {
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (min + (max - min) * rng.nextDouble());
        }
    }

    /** Normal values, those beyond two standard deviations from the mean redrawn (as TensorFlow does). */
    public static void truncatedNormal(float[] w, double mean, double stddev, Rng rng) {
        for (int i = 0; i < w.length; i++) {
            double z;
            do {
                z = rng.nextGaussian();
            } while (Math.abs(z) > 2);
            w[i] = (float) (mean + stddev * z);
        }
    }

    /**
     * {@code VarianceScaling(scale, mode, distribution)}: {@code scale} divided by {@code max(1, fan)},
     * where fan is the given fan ({@code fan_in}, {@code fan_out}, or their average); then uniform
     * on {@code ±sqrt(3 scale)} or truncated normal with stddev {@code sqrt(scale) / 0.8796...}.
     */
    public static void varianceScaling(float[] w, double scale, double fan, boolean uniform, Rng rng) {
        double s = scale / Math.max(1.0, fan);
        if (uniform) {
            double limit = StrictMath.sqrt(3.0 * s);
            uniform(w, -limit, limit, rng);
        } else {
            truncatedNormal(w, 0.0, StrictMath.sqrt(s) / TRUNCATION_STDDEV, rng);
        }
    }
}
