package dev.cnnc.runtime.optim;

import dev.cnnc.runtime.Parameter;
import java.util.List;

/**
 * Keras 2.2.4's {@code RMSprop}: divides the gradient by a running average of its recent magnitude.
 *
 * <p>For every element, with {@code lr_t = lr * (1 / (1 + decay * iterations))} (epsilon is added
 * <em>outside</em> the square root, as in Keras 2.2.4):
 *
 * <pre>{@code
 * a = rho * a + (1 - rho) * g^2
 * p = p - lr_t * g / (sqrt(a) + epsilon)
 * }</pre>
 *
 * <p>Slots: the accumulator {@code a} of every parameter.
 */
public final class RmsProp extends Optimizer {
    private final double rho;
    private final double epsilon;
    private final float rhoF;
    private final float oneMinusRhoF;
    private final float epsilonF;
    private final float[][] accumulators;
    private float stepLearningRate;

    /**
     * @param learningRate {@code lr} ≥ 0
     * @param rho in [0, 1]
     * @param epsilon ≥ 0
     * @param decay ≥ 0
     */
    public RmsProp(List<Parameter> parameters, double learningRate, double rho, double epsilon, double decay) {
        super(parameters, learningRate, decay, "a");
        this.rho = requireFraction("rho", rho, true);
        this.epsilon = requireAtLeast("epsilon", epsilon, 0);
        this.rhoF = (float) rho;
        this.oneMinusRhoF = (float) (1.0 - rho);
        this.epsilonF = (float) epsilon;
        this.accumulators = slotGroup(0);
    }

    public double rho() {
        return rho;
    }

    public double epsilon() {
        return epsilon;
    }

    /** {@code RMSprop(lr=0.001, rho=0.9, epsilon=1e-07)}. */
    @Override
    String describeOwn() {
        return "RMSprop(" + describeLearningRate() + ", rho=" + python(rho) + ", epsilon=" + python(epsilon)
                + describeDecay() + ")";
    }

    @Override
    String name() {
        return "RMSprop";
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
            float ai = rhoF * a[i] + oneMinusRhoF * (gi * gi);
            a[i] = ai;
            p[i] = p[i] - lr * gi / ((float) Math.sqrt(ai) + epsilonF);
        }
    }
}
