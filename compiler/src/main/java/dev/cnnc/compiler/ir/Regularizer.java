package dev.cnnc.compiler.ir;

/**
 * Keras' {@code L1L2} penalty {@code l1 * sum(|x|) + l2 * sum(x^2)}, added unscaled to the batch
 * loss (Keras 2.2.4). {@code l1(0.01)}, {@code l2(0.01)} and {@code l1_l2(l1=.., l2=..)} all build one.
 */
public record Regularizer(double l1, double l2) {
    public String describe() {
        if (l1 != 0 && l2 != 0) {
            return "l1_l2(l1=" + l1 + ", l2=" + l2 + ")";
        }
        return l1 != 0 ? "l1(" + l1 + ")" : "l2(" + l2 + ")";
    }
}
