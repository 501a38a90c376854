package dev.cnnc.runtime.optim;

import dev.cnnc.runtime.Parameter;
import java.util.List;

/**
 * Keras 2.2.4's {@code Adam}, with the optional AMSGrad variant.
 *
 * <p>Per step, with {@code lr_t = lr * (1 / (1 + decay * iterations))} and {@code t = iterations + 1}
 * (computed in double, the powers by repeated squaring, then rounded to float once):
 *
 * <pre>{@code
 * lr_t2 = lr_t * (sqrt(1 - beta2^t) / (1 - beta1^t))
 * }</pre>
 *
 * <p>For every element (epsilon is added <em>outside</em> the square root, as in Keras 2.2.4):
 *
 * <pre>{@code
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g^2
 * amsgrad:  vhat = max(vhat, v)
 *           p = p - lr_t2 * m / (sqrt(vhat) + epsilon)
 * else:     p = p - lr_t2 * m / (sqrt(v) + epsilon)
 * }</pre>
 *
 * <p>Slots: {@code m} of every parameter, then {@code v} of every parameter, then, only with
 * {@code amsgrad}, {@code vhat} of every parameter. (Keras 2.2.4 keeps unused one-element {@code vhat}
 * placeholders without amsgrad; they are omitted here.)
 */
public final class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final boolean amsgrad;
    private final float beta1F;
    private final float oneMinusBeta1F;
    private final float beta2F;
    private final float oneMinusBeta2F;
    private final float epsilonF;
    private final float[][] ms;
    private final float[][] vs;
    private final float[][] vhats;
    private float stepLearningRate;

    /**
     * @param learningRate {@code lr} ≥ 0
     * @param beta1 in [0, 1)
     * @param beta2 in [0, 1)
     * @param epsilon ≥ 0
     * @param decay ≥ 0
     */
    public Adam(List<Parameter> parameters, double learningRate, double beta1, double beta2, double epsilon,
            boolean amsgrad, double decay) {
        super(parameters, learningRate, decay, amsgrad ? new String[] {"m", "v", "vhat"} : new String[] {"m", "v"});
        this.beta1 = requireFraction("beta_1", beta1, false);
        this.beta2 = requireFraction("beta_2", beta2, false);
        this.epsilon = requireAtLeast("epsilon", epsilon, 0);
        this.amsgrad = amsgrad;
        this.beta1F = (float) beta1;
        this.oneMinusBeta1F = (float) (1.0 - beta1);
        this.beta2F = (float) beta2;
        this.oneMinusBeta2F = (float) (1.0 - beta2);
        this.epsilonF = (float) epsilon;
        this.ms = slotGroup(0);
        this.vs = slotGroup(1);
        this.vhats = amsgrad ? slotGroup(2) : null;
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

    public boolean amsgrad() {
        return amsgrad;
    }

    /** {@code Adam(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False)}. */
    @Override
    String describeOwn() {
        return "Adam(" + describeLearningRate() + ", beta_1=" + python(beta1) + ", beta_2=" + python(beta2) + ", epsilon="
                + python(epsilon) + describeDecay() + ", amsgrad=" + python(amsgrad) + ")";
    }

    @Override
    String name() {
        return "Adam";
    }

    /** {@code lr_t2 = lr_t * (sqrt(1 - beta2^t) / (1 - beta1^t))} with {@code t = iterations + 1}. */
    @Override
    void beginStep(double learningRate, long iterations) {
        long t = iterations + 1;
        double correction = Math.sqrt(1.0 - power(beta2, t)) / (1.0 - power(beta1, t));
        stepLearningRate = (float) (learningRate * correction);
    }

    /**
     * {@code base^exponent} by repeated squaring: deterministic, within a few ulps of the exact power, and
     * allocation-free even in the interpreter (JDK 17's {@code StrictMath.pow} allocates until JIT-compiled).
     */
    static double power(double base, long exponent) {
        double result = 1.0;
        double square = base;
        for (long e = exponent; e > 0; e >>>= 1) {
            if ((e & 1) != 0) {
                result *= square;
            }
            square *= square;
        }
        return result;
    }

    @Override
    void apply(int index, float[] p, float[] g) {
        if (amsgrad) {
            applyAmsgrad(ms[index], vs[index], vhats[index], p, g);
        } else {
            applyAdam(ms[index], vs[index], p, g);
        }
    }

    private void applyAdam(float[] m, float[] v, float[] p, float[] g) {
        float lr = stepLearningRate;
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            float mi = beta1F * m[i] + oneMinusBeta1F * gi;
            float vi = beta2F * v[i] + oneMinusBeta2F * (gi * gi);
            m[i] = mi;
            v[i] = vi;
            p[i] = p[i] - lr * mi / ((float) Math.sqrt(vi) + epsilonF);
        }
    }

    private void applyAmsgrad(float[] m, float[] v, float[] vhat, float[] p, float[] g) {
        float lr = stepLearningRate;
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            float mi = beta1F * m[i] + oneMinusBeta1F * gi;
            float vi = beta2F * v[i] + oneMinusBeta2F * (gi * gi);
            float vhati = Math.max(vhat[i], vi);
            m[i] = mi;
            v[i] = vi;
            vhat[i] = vhati;
            p[i] = p[i] - lr * mi / ((float) Math.sqrt(vhati) + epsilonF);
        }
    }
}
