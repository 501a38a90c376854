package dev.cnnc.runtime.optim;

import dev.cnnc.runtime.Parameter;
import java.util.List;

/**
 * Keras 2.2.4's {@code SGD}: stochastic gradient descent with optional momentum and Nesterov momentum.
 *
 * <p>For every element, with {@code lr_t = lr * (1 / (1 + decay * iterations))}:
 *
 * <pre>{@code
 * v = momentum * m - lr_t * g
 * m = v
 * p = nesterov ? p + momentum * v - lr_t * g
 *              : p + v
 * }</pre>
 *
 * <p>Slots: {@code m} (the velocity) of every parameter. As in Keras 2.2.4, the slot exists even when
 * {@code momentum} is 0; it then holds {@code -lr_t * g} of the last step and the update reduces to
 * {@code p = p - lr_t * g} exactly.
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final boolean nesterov;
    private final float momentumF;
    private final float[][] moments;
    private float stepLearningRate;

    /**
     * @param learningRate {@code lr} ≥ 0
     * @param momentum ≥ 0
     * @param decay ≥ 0
     */
    public Sgd(List<Parameter> parameters, double learningRate, double momentum, boolean nesterov, double decay) {
        super(parameters, learningRate, decay, "m");
        this.momentum = requireAtLeast("momentum", momentum, 0);
        this.nesterov = nesterov;
        this.momentumF = (float) momentum;
        this.moments = slotGroup(0);
    }

    public double momentum() {
        return momentum;
    }

    public boolean nesterov() {
        return nesterov;
    }

    /** {@code SGD(lr=0.01, momentum=0.0, nesterov=False)}. */
    @Override
    String describeOwn() {
        return "SGD(" + describeLearningRate() + ", momentum=" + python(momentum) + describeDecay() + ", nesterov="
                + python(nesterov) + ")";
    }

    @Override
    String name() {
        return "SGD";
    }

    @Override
    void beginStep(double learningRate, long iterations) {
        stepLearningRate = (float) learningRate;
    }

    @Override
    void apply(int index, float[] p, float[] g) {
        float[] m = moments[index];
        float mu = momentumF;
        float lr = stepLearningRate;
        if (nesterov) {
            for (int i = 0; i < p.length; i++) {
                float v = mu * m[i] - lr * g[i];
                m[i] = v;
                p[i] = p[i] + mu * v - lr * g[i];
            }
        } else {
            for (int i = 0; i < p.length; i++) {
                float v = mu * m[i] - lr * g[i];
                m[i] = v;
                p[i] = p[i] + v;
            }
        }
    }
}
