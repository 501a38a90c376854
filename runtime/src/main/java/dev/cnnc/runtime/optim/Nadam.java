package dev.cnnc.runtime.optim;

import dev.cnnc.runtime.Parameter;
import java.util.List;

/**
 * Keras 2.2.4's {@code Nadam}: Adam with Nesterov momentum and a warming momentum schedule. As in
 * Keras 2.2.4, it has no {@code decay}: the learning rate is constant.
 *
 * <p>Per step, with {@code t = iterations + 1} and {@code mSchedule} the product of the momentum
 * caches of the steps before (1 at the start), in double:
 *
 * <pre>{@code
 * cache_t      = beta1 * (1 - 0.5 * 0.96^(t * schedule_decay))
 * cache_t1     = beta1 * (1 - 0.5 * 0.96^((t + 1) * schedule_decay))
 * mScheduleNew = mSchedule * cache_t
 * mScheduleNext = mScheduleNew * cache_t1
 * }</pre>
 *
 * <p>For every element (the scalars rounded to float once):
 *
 * <pre>{@code
 * g' = g / (1 - mScheduleNew)
 * m = beta1 * m + (1 - beta1) * g;    m' = m / (1 - mScheduleNext)
 * v = beta2 * v + (1 - beta2) * g^2;  v' = v / (1 - beta2^t)
 * mBar = (1 - cache_t) * g' + cache_t1 * m'
 * p = p - lr * mBar / (sqrt(v') + epsilon)
 * }</pre>
 *
 * <p>Slots: {@code m} of every parameter, then {@code v} of every parameter. Keras keeps
 * {@code m_schedule} as a variable; here it is a function of {@link #iterations()} alone, recomputed
 * after a {@link #restore}, so that it needs no slot. Powers of 0.96 are {@code exp(x * ln 0.96)} with
 * {@link StrictMath}.
 */
public final class Nadam extends Optimizer {
    private static final double LN_096 = StrictMath.log(0.96);

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double scheduleDecay;
    private final float beta1F;
    private final float oneMinusBeta1F;
    private final float beta2F;
    private final float oneMinusBeta2F;
    private final float epsilonF;
    private final float[][] ms;
    private final float[][] vs;
    /** The product of the momentum caches of steps {@code 1 .. scheduleSteps}. */
    private double mSchedule = 1.0;
    private long scheduleSteps;
    private float lr;
    private float oneMinusScheduleNew;
    private float oneMinusScheduleNext;
    private float oneMinusBeta2Power;
    private float oneMinusCache;
    private float nextCache;

    /**
     * @param learningRate {@code lr} ≥ 0 (Keras' default 0.002)
     * @param beta1 in [0, 1)
     * @param beta2 in [0, 1)
     * @param epsilon ≥ 0
     * @param scheduleDecay ≥ 0 (Keras' default 0.004)
     */
    public Nadam(List<Parameter> parameters, double learningRate, double beta1, double beta2, double epsilon,
            double scheduleDecay) {
        super(parameters, learningRate, 0.0, "m", "v");
        this.beta1 = requireFraction("beta_1", beta1, false);
        this.beta2 = requireFraction("beta_2", beta2, false);
        this.epsilon = requireAtLeast("epsilon", epsilon, 0);
        this.scheduleDecay = requireAtLeast("schedule_decay", scheduleDecay, 0);
        this.beta1F = (float) beta1;
        this.oneMinusBeta1F = (float) (1.0 - beta1);
        this.beta2F = (float) beta2;
        this.oneMinusBeta2F = (float) (1.0 - beta2);
        this.epsilonF = (float) epsilon;
        this.ms = slotGroup(0);
        this.vs = slotGroup(1);
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

    public double scheduleDecay() {
        return scheduleDecay;
    }

    /** {@code Nadam(lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-07, schedule_decay=0.004)}. */
    @Override
    String describeOwn() {
        return "Nadam(" + describeLearningRate() + ", beta_1=" + python(beta1) + ", beta_2=" + python(beta2)
                + ", epsilon=" + python(epsilon) + ", schedule_decay=" + python(scheduleDecay) + ")";
    }

    @Override
    String name() {
        return "Nadam";
    }

    /** {@code beta1 * (1 - 0.5 * 0.96^(t * schedule_decay))}. */
    private double momentumCache(long t) {
        return beta1 * (1.0 - 0.5 * StrictMath.exp(t * scheduleDecay * LN_096));
    }

    @Override
    void beginStep(double learningRate, long iterations) {
        if (scheduleSteps != iterations) { // after a restore: the same products, in the same order
            mSchedule = 1.0;
            for (long s = 1; s <= iterations; s++) {
                mSchedule *= momentumCache(s);
            }
        }
        long t = iterations + 1;
        double cache = momentumCache(t);
        double cacheNext = momentumCache(t + 1);
        double scheduleNew = mSchedule * cache;
        double scheduleNext = scheduleNew * cacheNext;
        mSchedule = scheduleNew;
        scheduleSteps = t;
        lr = (float) learningRate;
        oneMinusScheduleNew = (float) (1.0 - scheduleNew);
        oneMinusScheduleNext = (float) (1.0 - scheduleNext);
        oneMinusBeta2Power = (float) (1.0 - Adam.power(beta2, t));
        oneMinusCache = (float) (1.0 - cache);
        nextCache = (float) cacheNext;
    }

    @Override
    void apply(int index, float[] p, float[] g) {
        float[] m = ms[index];
        float[] v = vs[index];
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            float gPrime = gi / oneMinusScheduleNew;
            float mi = beta1F * m[i] + oneMinusBeta1F * gi;
            float mPrime = mi / oneMinusScheduleNext;
            float vi = beta2F * v[i] + oneMinusBeta2F * (gi * gi);
            float vPrime = vi / oneMinusBeta2Power;
            float mBar = oneMinusCache * gPrime + nextCache * mPrime;
            m[i] = mi;
            v[i] = vi;
            p[i] = p[i] - lr * mBar / ((float) Math.sqrt(vPrime) + epsilonF);
        }
    }
}
