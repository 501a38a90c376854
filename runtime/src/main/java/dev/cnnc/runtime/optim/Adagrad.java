package dev.cnnc.runtime.optim;

import dev.cnnc.runtime.Parameter;
import java.util.List;

/**
 * Keras 2.2.4's {@code Adagrad}: per-element learning rates that shrink with the sum of squared gradients.
 *
 * <p>For every element, with {@code lr_t = lr * (1 / (1 + decay * iterations))}:
 *
 * <pre>{@code
 * a = a + g^2
 * p = p - lr_t * g / (sqrt(a) + epsilon)
 * }</pre>
 *
 * <p>Slots: the accumulator {@code a} of every parameter, starting at zero (Keras 2.2.4; later versions
 * start at 0.1).
 */
public final class Adagrad extends Optimizer {
    private final double epsilon;
    private final float epsilonF;
    private final float[][] accumulators;
    private float stepLearningRate;

    /**
     * @param learningRate {@code lr} ≥ 0
     * @param epsilon ≥ 0
     * @param decay ≥ 0
     */
    public Adagrad(List<Parameter> parameters, double learningRate, double epsilon, double decay) {
        super(parameters, learningRate, decay, "a");
        this.epsilon = requireAtLeast("epsilon", epsilon, 0);
        this.epsilonF = (float) epsilon;
        this.accumulators = slotGroup(0);
    }

    public double epsilon() {
        return epsilon;
    }

    /** {@code Adagrad(lr=0.01, epsilon=1e-07)}. */
    @Override
    String describeOwn() {
        return "Adagrad(" + describeLearningRate() + ", epsilon=" + python(epsilon) + describeDecay() + ")";
    }

    @Override
    String name() {
        return "Adagrad";
    }

    @Override
    void beginStep(double learningRate, long iterations) {
        stepLearningRate = (float) learningRate;
    }

    @Override
    void apply(int index, float[] p, float[] g) {
        float[] a = accumulators[index];
        float lr = stepLearningRate;
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            float ai = a[i] + gi * gi;
            a[i] = ai;
            p[i] = p[i] - lr * gi / ((float) Math.sqrt(ai) + epsilonF);
        }
    }
}
