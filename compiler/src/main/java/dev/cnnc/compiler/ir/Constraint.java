package dev.cnnc.compiler.ir;

import java.util.Arrays;

/**
 * Keras' weight constraints ({@code keras/constraints.py}), applied to a kernel or bias after each
 * optimizer update. The norm-based ones compute norms over {@code axes} of the weight tensor, in
 * Keras' layout ({@code (kh, kw, in, out)} for a conv kernel, {@code (in, units)} for a dense one).
 */
public sealed interface Constraint {
    String describe();

    /** {@code max_norm(max_value=2, axis=0)}: rescale slices whose norm exceeds {@code maxValue}. */
    record MaxNorm(double maxValue, int[] axes) implements Constraint {
        public String describe() {
            return "max_norm(max_value=" + maxValue + ", axis=" + axesText(axes) + ")";
        }
    }

    /** {@code non_neg()}: negative weights become zero. */
    record NonNeg() implements Constraint {
        public String describe() {
            return "non_neg()";
        }
    }

    /** {@code unit_norm(axis=0)}: every slice rescaled to norm 1. */
    record UnitNorm(int[] axes) implements Constraint {
        public String describe() {
            return "unit_norm(axis=" + axesText(axes) + ")";
        }
    }

    /** {@code min_max_norm(min_value=0.0, max_value=1.0, rate=1.0, axis=0)}. */
    record MinMaxNorm(double minValue, double maxValue, double rate, int[] axes) implements Constraint {
        public String describe() {
            return "min_max_norm(min_value=" + minValue + ", max_value=" + maxValue + ", rate=" + rate + ", axis="
                    + axesText(axes) + ")";
        }
    }

    private static String axesText(int[] axes) {
        return axes.length == 1 ? Integer.toString(axes[0]) : Arrays.toString(axes);
    }
}
