package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.Batch;
import dev.cnnc.runtime.Mode;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Central finite differences against a generated network's backward pass, in float32.
 *
 * <p>The loss is {@code L = sum_j r_j y_j + activity + regularization} with fixed random weights
 * {@code r}, so that every output matters. For a sample of elements of every parameter and of the
 * input, the analytic gradient must match {@code (L(w + e) - L(w - e)) / 2e} within
 * {@code ATOL + RTOL * |g|}. An element whose numeric estimate changes between {@code e} and
 * {@code e/2}, or whose one-sided differences disagree, sits on a kink (relu at 0, a max-pooling
 * tie) and is skipped; skips must stay rare.
 */
final class GradientCheck {
    static final double EPS = 1e-2;
    private double eps = EPS;
    static final double ATOL = 2e-3;
    static final double RTOL = 2e-2;
    static final int SAMPLES = 24;

    private final Network net;
    /** The forward passes' batch: inference, or training (with the same noise every pass, see training(seed)). */
    private Batch batch;
    private final float[] input;
    private final float[] weights;
    private final int n;
    private final List<String> failures = new ArrayList<>();
    private int checked;
    private int skipped;

    GradientCheck(Network net, int n, long seed) {
        this(net, n, seed, Mode.INFERENCE);
    }

    /**
     * A check of the passes in {@code mode}: in training, layers with batch statistics normalize with
     * those of the n examples, and the gradient includes the statistics' dependence on every input.
     */
    GradientCheck(Network net, int n, long seed, Mode mode) {
        this.net = net;
        this.n = n;
        Random r = new Random(seed);
        input = new float[n * net.inputSize()];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) r.nextGaussian();
        }
        weights = new float[n * net.outputSize()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) r.nextGaussian();
        }
        batch = new Batch(n).set(input, n, mode);
    }

    /** A smaller step for deep models, where a large one moves too many max-pooling winners. */
    GradientCheck step(double step) {
        this.eps = step;
        return this;
    }

    float[] input() {
        return input;
    }

    /**
     * Runs every forward pass in training mode with run seed {@code seed} and epoch 0: noise layers draw
     * the same noise in every pass, so finite differences see the same function as the backward pass.
     */
    GradientCheck training(long seed) {
        batch = new Batch(n).set(input, n, Mode.TRAINING).noise(seed, 0);
        return this;
    }

    private float[] forward() {
        return net.forward(batch);
    }

    double loss() {
        float[] y = forward();
        double l = 0;
        for (int j = 0; j < weights.length; j++) {
            l += (double) weights[j] * y[j];
        }
        return l + net.activityLoss() + net.regularizationLoss();
    }

    /** Runs the check; returns this for assertions. */
    GradientCheck run() {
        net.zeroGradients();
        forward();
        net.backward(weights, n);
        net.addRegularizationGradients();
        Random pick = new Random(42);
        for (Parameter p : net.trainableParameters()) {
            float[] analytic = p.gradients().clone();
            for (int s = 0; s < Math.min(SAMPLES, p.size()); s++) {
                int i = p.size() <= SAMPLES ? s : pick.nextInt(p.size());
                compare(p.name() + "[" + i + "]", p.values(), i, analytic[i]);
            }
        }
        float[] inputGradient = InMemoryCompiler.inputGradient(net).clone();
        for (int s = 0; s < Math.min(SAMPLES, input.length); s++) {
            int i = input.length <= SAMPLES ? s : pick.nextInt(input.length);
            compare("input[" + i + "]", input, i, inputGradient[i]);
        }
        return this;
    }

    /**
     * Checks each parameter along one random direction: {@code g . d} against
     * {@code (L(w + e d) - L(w - e d)) / 2e}. Over thousands of elements, the few max-pooling winners
     * a step moves barely matter, which makes this the check for deep models.
     */
    GradientCheck runDirectional() {
        net.zeroGradients();
        forward();
        net.backward(weights, n);
        net.addRegularizationGradients();
        Random r = new Random(99);
        for (Parameter p : net.trainableParameters()) {
            float[] values = p.values();
            float[] saved = values.clone();
            double[] d = new double[values.length];
            double norm = 0;
            for (int i = 0; i < d.length; i++) {
                d[i] = r.nextGaussian();
                norm += d[i] * d[i];
            }
            double analytic = 0;
            for (int i = 0; i < d.length; i++) {
                d[i] /= Math.sqrt(norm);
                analytic += d[i] * p.gradients()[i];
            }
            double[] losses = new double[2];
            for (int side = 0; side < 2; side++) {
                for (int i = 0; i < d.length; i++) {
                    values[i] = (float) (saved[i] + (side == 0 ? eps : -eps) * d[i]);
                }
                losses[side] = loss();
            }
            System.arraycopy(saved, 0, values, 0, values.length);
            double numeric = (losses[0] - losses[1]) / (2 * eps);
            checked++;
            if (Math.abs(analytic - numeric) > ATOL + RTOL * Math.abs(numeric)) {
                failures.add(p.name() + " along a random direction: analytic " + analytic + ", numeric " + numeric);
            }
        }
        return this;
    }

    private void compare(String what, float[] values, int i, double analytic) {
        double numeric = numeric(values, i, eps);
        double half = numeric(values, i, eps / 2);
        double tolerance = ATOL + RTOL * Math.abs(numeric);
        // Left and right slopes differ by about e * L'' where L is smooth, which halves with e; by a
        // constant where a kink lies between w - e/2 and w + e/2.
        double spread = oneSided(values, i, eps) - oneSided(values, i, -eps);
        double halfSpread = oneSided(values, i, eps / 2) - oneSided(values, i, -eps / 2);
        boolean kink = Math.abs(spread) > tolerance && Math.abs(halfSpread) > 0.75 * Math.abs(spread);
        if (kink || Math.abs(numeric - half) > tolerance) {
            skipped++;
            return;
        }
        checked++;
        if (Math.abs(analytic - numeric) > ATOL + RTOL * Math.abs(numeric)) {
            failures.add(what + ": analytic " + analytic + ", numeric " + numeric);
        }
    }

    /** {@code (L(w + e) - L(w)) / e}; a negative {@code e} gives the backward difference. */
    private double oneSided(float[] values, int i, double eps) {
        float saved = values[i];
        double center = loss();
        values[i] = (float) (saved + eps);
        double moved = loss();
        double step = (double) values[i] - saved;
        values[i] = saved;
        return (moved - center) / step;
    }

    private double numeric(float[] values, int i, double eps) {
        float saved = values[i];
        values[i] = (float) (saved + eps);
        double plus = loss();
        values[i] = (float) (saved - eps);
        double minus = loss();
        values[i] = saved;
        double step = (double) (float) (saved + eps) - (float) (saved - eps);
        return (plus - minus) / step;
    }

    void assertPasses() {
        assertTrue(failures.isEmpty(), failures.size() + " of " + checked + " gradients wrong:\n"
                + String.join("\n", failures.subList(0, Math.min(10, failures.size()))));
        assertTrue(checked > 0, "nothing was checked");
        assertTrue(skipped <= checked / 10 + 1, "too many kinks skipped: " + skipped + " of " + (checked + skipped));
    }

    int checked() {
        return checked;
    }

    List<String> failures() {
        return failures;
    }
}
