package dev.cnnc.runtime.optim;

import dev.cnnc.runtime.Parameter;
import java.util.List;

/**
 * Keras 2.2.4's {@code Adadelta}: a learning rate per element from running averages of the squared
 * gradients and of the squared updates.
 *
 * <p>For every element, with {@code lr_t = lr * (1 / (1 + decay * iterations))} (Keras' default
 * {@code lr} is 1.0; epsilon is added <em>inside</em> both square roots, as in Keras 2.2.4):
 *
 * <pre>{@code
 * a = rho * a + (1 - rho) * g^2
 * update = g * sqrt(d + epsilon) / sqrt(a + epsilon)
 * p = p - lr_t * update
 * d = rho * d + (1 - rho) * update^2
 * }</pre>
 *
 * <p>Slots: the accumulator {@code a} of every parameter, then the delta accumulator {@code d} of
 * every parameter (Keras' {@code accumulators + delta_accumulators}).
 */
public final class Adadelta extends Optimizer {
    private final double rho;
    private final double epsilon;
    private final float rhoF;
    private final float oneMinusRhoF;
    private final float epsilonF;
    private final float[][] accumulators;
    private final float[][] deltaAccumulators;
    private float stepLearningRate;

    /**
     * @param learningRate {@code lr} ≥ 0
     * @param rho in [0, 1]
     * @param epsilon ≥ 0
     * @param decay ≥ 0
     */
    public Adadelta(List<Parameter> parameters, double learningRate, double rho, double epsilon, double decay) {
        super(parameters, learningRate, decay, "a", "d");
        this.rho = requireFraction("rho", rho, true);
        this.epsilon = requireAtLeast("epsilon", epsilon, 0);
        this.rhoF = (float) rho;
        this.oneMinusRhoF = (float) (1.0 - rho);
        this.epsilonF = (float) epsilon;
        this.accumulators = slotGroup(0);
        this.deltaAccumulators = slotGroup(1);
    }

    public double rho() {
        return rho;
    }

    public double epsilon() {
        return epsilon;
    }

    /** {@code Adadelta(lr=1.0, rho=0.95, epsilon=1e-07)}. */
    @Override
    String describeOwn() {
        return "Adadelta(" + describeLearningRate() + ", rho=" + python(rho) + ", epsilon=" + python(epsilon)
                + describeDecay() + ")";
    }

    @Override
    String name() {
        return "Adadelta";
    }

    @Override
    void beginStep(double learningRate, long iterations) {
        stepLearningRate = (float) learningRate;
    }

    @Override
    void apply(int index, float[] p, float[] g) {
        float[] a = accumulators[index];
        float[] d = deltaAccumulators[index];
        float lr = stepLearningRate;
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            float ai = rhoF * a[i] + oneMinusRhoF * (gi * gi);
            a[i] = ai;
            float update = gi * (float) Math.sqrt(d[i] + epsilonF) / (float) Math.sqrt(ai + epsilonF);
            p[i] = p[i] - lr * update;
            d[i] = rhoF * d[i] + oneMinusRhoF * (update * update);
        }
    }
}
