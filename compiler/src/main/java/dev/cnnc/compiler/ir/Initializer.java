package dev.cnnc.compiler.ir;

/**
 * How a kernel or bias is initialized, with Keras 2.2.4's definitions ({@code keras/initializers.py}).
 * The named schemes ({@code glorot_uniform}, {@code he_normal}, ...) are {@link VarianceScaling}
 * presets, as in Keras.
 */
public sealed interface Initializer {

    /** The name or call as the user would write it, for comments and messages. */
    String describe();

    /** Every element set to {@code value}: {@code zeros}, {@code ones}, {@code Constant(value)}. */
    record Constant(double value) implements Initializer {
        public String describe() {
            return value == 0 ? "zeros" : value == 1 ? "ones" : "constant(" + value + ")";
        }
    }

    /** Normal distribution. */
    record RandomNormal(double mean, double stddev, Long seed) implements Initializer {
        public String describe() {
            return "random_normal(mean=" + mean + ", stddev=" + stddev + ")";
        }
    }

    /** Uniform distribution on {@code [minval, maxval)}. */
    record RandomUniform(double minval, double maxval, Long seed) implements Initializer {
        public String describe() {
            return "random_uniform(minval=" + minval + ", maxval=" + maxval + ")";
        }
    }

    /** Normal distribution with values beyond two standard deviations redrawn. */
    record TruncatedNormal(double mean, double stddev, Long seed) implements Initializer {
        public String describe() {
            return "truncated_normal(mean=" + mean + ", stddev=" + stddev + ")";
        }
    }

    /**
     * Keras' {@code VarianceScaling}: {@code scale} divided by the fan ({@code fan_in}, {@code
     * fan_out} or their average); {@code normal} draws from a truncated normal with stddev {@code
     * sqrt(scale) / 0.8796...}, {@code uniform} from {@code U(-sqrt(3 scale), sqrt(3 scale))}.
     */
    record VarianceScaling(String name, double scale, FanMode mode, boolean uniform, Long seed) implements Initializer {
        public String describe() {
            return name != null ? name : "variance_scaling(scale=" + scale + ", mode='" + mode.keras() + "', distribution='"
                    + (uniform ? "uniform" : "normal") + "')";
        }
    }

    enum FanMode {
        FAN_IN("fan_in"),
        FAN_OUT("fan_out"),
        FAN_AVG("fan_avg");

        private final String keras;

        FanMode(String keras) {
            this.keras = keras;
        }

        public String keras() {
            return keras;
        }
    }

    static Initializer glorotUniform() {
        return new VarianceScaling("glorot_uniform", 1.0, FanMode.FAN_AVG, true, null);
    }

    static Initializer zeros() {
        return new Constant(0.0);
    }
}
