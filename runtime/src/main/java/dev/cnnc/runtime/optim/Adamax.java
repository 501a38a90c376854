package dev.cnnc.runtime.optim;

import dev.cnnc.runtime.Parameter;
import java.util.List;

/**
 * Keras 2.2.4's {@code Adamax}: Adam with the infinity norm in place of the second moment.
 *
 * <p>Per step, with {@code lr_t = lr * (1 / (1 + decay * iterations))} and {@code t = iterations + 1}
 * (in double, rounded to float once):
 *
 * <pre>{@code
 * lr_t2 = lr_t / (1 - beta1^t)
 * }</pre>
 *
 * <p>For every element:
 *
 * <pre>{@code
 * m = beta1 * m + (1 - beta1) * g
 * u = max(beta2 * u, |g|)
 * p = p - lr_t2 * m / (u + epsilon)
 * }</pre>
 *
 * <p>Slots: {@code m} of every parameter, then {@code u} of every parameter (Keras' {@code ms + us}).
 */
public final class Adamax extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final float beta1F;
    private final float oneMinusBeta1F;
    private final float beta2F;
    private final float epsilonF;
    private final float[][] ms;
    private final float[][] us;
    private float stepLearningRate;

    /**
     * @param learningRate {@code lr} ≥ 0 (Keras' default 0.002)
     * @param beta1 in [0, 1)
     * @param beta2 in [0, 1)
     * @param epsilon ≥ 0
     * @param decay ≥ 0
     */
    public Adamax(List<Parameter> parameters, double learningRate, double beta1, double beta2, double epsilon,
            double decay) {
        super(parameters, learningRate, decay, "m", "u");
        this.beta1 = requireFraction("beta_1", beta1, false);
        this.beta2 = requireFraction("beta_2", beta2, false);
        this.epsilon = requireAtLeast("epsilon", epsilon, 0);
        this.beta1F = (float) beta1;
        this.oneMinusBeta1F = (float) (1.0 - beta1);
        this.beta2F = (float) beta2;
        this.epsilonF = (float) epsilon;
        this.ms = slotGroup(0);
        this.us = slotGroup(1);
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double epsilon() {
        return epsilon;
    }

    /** {@code Adamax(lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-07)}. */
    @Override
    String describeOwn() {
        return "Adamax(" + describeLearningRate() + ", beta_1=" + python(beta1) + ", beta_2=" + python(beta2)
                + ", epsilon=" + python(epsilon) + describeDecay() + ")";
    }

    @Override
    String name() {
        return "Adamax";
    }

    /** {@code lr_t2 = lr_t / (1 - beta1^t)} with {@code t = iterations + 1}. */
    @Override
    void beginStep(double learningRate, long iterations) {
        stepLearningRate = (float) (learningRate / (1.0 - Adam.power(beta1, iterations + 1)));
    }

    @Override
    void apply(int index, float[] p, float[] g) {
        float[] m = ms[index];
        float[] u = us[index];
        float lr = stepLearningRate;
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            float mi = beta1F * m[i] + oneMinusBeta1F * gi;
            float ui = Math.max(beta2F * u[i], Math.abs(gi));
            m[i] = mi;
            u[i] = ui;
            p[i] = p[i] - lr * mi / (ui + epsilonF);
        }
    }
}
