package dev.cnnc.runtime.train;

import dev.cnnc.runtime.ActivationKind;
import dev.cnnc.runtime.Batch;
import dev.cnnc.runtime.Mode;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.Rng;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.optim.LossKind;
import dev.cnnc.runtime.optim.OptimizerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Small hand-written networks that speak the training protocol, so that the Trainer can be tested without the
 * compiler: a dense softmax classifier, one with a 2-phase "subtract the batch mean" layer and a moving-mean
 * state tensor, and one that draws per-example noise from {@link Batch#noiseSeed}. Nothing allocates per pass.
 */
final class TestNets {
    private TestNets() {}

    /** The boilerplate every test network shares. */
    abstract static class Base implements Network {
        final int capacity;
        final List<Parameter> parameters = new ArrayList<>();

        Base(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public ActivationKind outputActivation() {
            return ActivationKind.SOFTMAX;
        }

        @Override
        public long parameterCount() {
            return parameters.stream().mapToLong(Parameter::size).sum();
        }

        @Override
        public TrainingConfig trainingConfig() {
            return TrainingConfig.builder(OptimizerKind.SGD, LossKind.CATEGORICAL_CROSSENTROPY).learningRate(0.1)
                    .batchSize(40).epochs(3).build();
        }

        @Override
        public String summary() {
            return name() + ": " + parameterCount() + " parameters\n";
        }

        @Override
        public List<Parameter> parameters() {
            return parameters;
        }

        @Override
        public int inputSize() {
            return inputShape()[0];
        }

        @Override
        public int batchSize() {
            return capacity;
        }

        @Override
        public void zeroGradients() {
            for (int i = 0; i < parameters.size(); i++) { // no iterator: nothing allocates per step
                java.util.Arrays.fill(parameters.get(i).gradients(), 0f);
            }
        }

        @Override
        public double activityLoss() {
            return 0;
        }

        @Override
        public double regularizationLoss() {
            return 0;
        }

        @Override
        public void addRegularizationGradients() {
        }

        @Override
        public void applyConstraints() {
        }

        @Override
        public void predict(float[] image, float[] result) {
            System.arraycopy(forward(image, 1), 0, result, 0, outputSize());
        }
    }

    /** Small deterministic initial values. */
    static float[] init(int n, long seed, double scale) {
        Rng r = Rng.stream(seed, n);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * r.nextGaussian());
        }
        return v;
    }

    /** {@code out[e, j] = b[j] + sum_i x[e, i] w[i, j]} for examples {@code 0 .. n-1}. */
    static void dense(float[] x, int in, float[] w, float[] b, int units, int n, float[] out) {
        for (int e = 0; e < n; e++) {
            for (int j = 0; j < units; j++) {
                float s = b[j];
                for (int i = 0; i < in; i++) {
                    s += x[e * in + i] * w[i * units + j];
                }
                out[e * units + j] = s;
            }
        }
    }

    /** Softmax of every row, in place. */
    static void softmax(float[] z, int units, int n) {
        for (int e = 0; e < n; e++) {
            float max = z[e * units];
            for (int j = 1; j < units; j++) {
                max = Math.max(max, z[e * units + j]);
            }
            float sum = 0;
            for (int j = 0; j < units; j++) {
                z[e * units + j] = (float) Math.exp(z[e * units + j] - max);
                sum += z[e * units + j];
            }
            for (int j = 0; j < units; j++) {
                z[e * units + j] /= sum;
            }
        }
    }

    /** The gradient with respect to a softmax's logits from one with respect to its outputs {@code p}. */
    static void softmaxBackward(float[] p, float[] g, int units, int n, float[] out) {
        for (int e = 0; e < n; e++) {
            float dot = 0;
            for (int j = 0; j < units; j++) {
                dot += g[e * units + j] * p[e * units + j];
            }
            for (int j = 0; j < units; j++) {
                out[e * units + j] = p[e * units + j] * (g[e * units + j] - dot);
            }
        }
    }

    /** Adds the dense layer's parameter gradients, and writes the input gradient if {@code dx} is not null. */
    static void denseBackward(float[] x, int in, float[] w, int units, int n, float[] g, float[] gw, float[] gb,
            float[] dx) {
        for (int e = 0; e < n; e++) {
            for (int j = 0; j < units; j++) {
                float gj = g[e * units + j];
                gb[j] += gj;
                for (int i = 0; i < in; i++) {
                    gw[i * units + j] += x[e * in + i] * gj;
                }
            }
            if (dx != null) {
                for (int i = 0; i < in; i++) {
                    float s = 0;
                    for (int j = 0; j < units; j++) {
                        s += g[e * units + j] * w[i * units + j];
                    }
                    dx[e * in + i] = s;
                }
            }
        }
    }

    /** {@code softmax(x W + b)}: the simplest classifier, one phase, no state. */
    static final class DenseSoftmax extends Base {
        final int in;
        final int units;
        final float[] w;
        final float[] b;
        final float[] gw;
        final float[] gb;
        final float[] out;
        final float[] logitGradient;
        float[] input;

        /** {@code scale} 0 gives zero initial weights. */
        DenseSoftmax(int in, int units, int capacity, long seed, double scale) {
            this(in, units, capacity, init(in * units, seed, scale), new float[units]);
        }

        private DenseSoftmax(int in, int units, int capacity, float[] w, float[] b) {
            super(capacity);
            this.in = in;
            this.units = units;
            this.w = w;
            this.b = b;
            this.gw = new float[w.length];
            this.gb = new float[b.length];
            this.out = new float[capacity * units];
            this.logitGradient = new float[capacity * units];
            parameters.add(new Parameter("dense_1/kernel", new int[] {in, units}, w, gw));
            parameters.add(new Parameter("dense_1/bias", new int[] {units}, b, gb));
        }

        @Override
        public String name() {
            return "DenseSoftmax";
        }

        @Override
        public int[] inputShape() {
            return new int[] {in};
        }

        @Override
        public int outputSize() {
            return units;
        }

        @Override
        public Network replica(int batchSize) {
            return new DenseSoftmax(in, units, batchSize, w, b);
        }

        @Override
        public float[] forward(float[] input, int n) {
            this.input = input;
            dense(input, in, w, b, units, n, out);
            softmax(out, units, n);
            return out;
        }

        @Override
        public void backward(float[] outputGradient, int n) {
            softmaxBackward(out, outputGradient, units, n, logitGradient);
            backwardFromLogits(logitGradient, n);
        }

        @Override
        public void backwardFromLogits(float[] g, int n) {
            denseBackward(input, in, w, units, n, g, gw, gb, null);
        }
    }

    /**
     * {@code x -> z = x W1 + b1 -> h = z - mean(z) -> softmax(h W2 + b2)}, where the mean is over the whole batch in
     * training (two phases: the sums of {@code z} are reduced across chunks) and the non-trainable moving mean in
     * inference; {@link #updateState} moves the moving mean towards the batch mean. {@code partialSums} layout:
     * {@code [0]} the example count, {@code [1 .. m]} the sums of {@code z} (forward), {@code [m+1 .. 2m]} the sums
     * of the gradient of {@code h} (backward: the mean's own gradient).
     */
    static final class BatchMean extends Base {
        final int in;
        final int hidden;
        final int units;
        final float[] w1;
        final float[] b1;
        final float[] w2;
        final float[] b2;
        final float[] movingMean;
        final float[] gw1;
        final float[] gb1;
        final float[] gw2;
        final float[] gb2;
        final double[] partial;
        final double[] batch;
        final float[] z;
        final float[] h;
        final float[] out;
        final float[] logits;
        final float[] dh;
        final float[] mean;
        final boolean updatesState;
        final AtomicInteger stateUpdates = new AtomicInteger();
        float[] input;
        Mode mode;

        BatchMean(int in, int hidden, int units, int capacity, long seed, boolean updatesState) {
            this(in, hidden, units, capacity, init(in * hidden, seed, 0.5), new float[hidden],
                    init(hidden * units, seed + 1, 0.5), new float[units], init(hidden, seed + 2, 0.1),
                    new double[2 * hidden + 1], updatesState);
        }

        private BatchMean(int in, int hidden, int units, int capacity, float[] w1, float[] b1, float[] w2, float[] b2,
                float[] movingMean, double[] batch, boolean updatesState) {
            super(capacity);
            this.in = in;
            this.hidden = hidden;
            this.units = units;
            this.w1 = w1;
            this.b1 = b1;
            this.w2 = w2;
            this.b2 = b2;
            this.movingMean = movingMean;
            this.batch = batch;
            this.updatesState = updatesState;
            this.gw1 = new float[w1.length];
            this.gb1 = new float[b1.length];
            this.gw2 = new float[w2.length];
            this.gb2 = new float[b2.length];
            this.partial = new double[batch.length];
            this.z = new float[capacity * hidden];
            this.h = new float[capacity * hidden];
            this.out = new float[capacity * units];
            this.logits = new float[capacity * units];
            this.dh = new float[capacity * hidden];
            this.mean = new float[hidden];
            parameters.add(new Parameter("dense_1/kernel", new int[] {in, hidden}, w1, gw1));
            parameters.add(new Parameter("dense_1/bias", new int[] {hidden}, b1, gb1));
            parameters.add(Parameter.state("batch_mean_1/moving_mean", new int[] {hidden}, movingMean));
            parameters.add(new Parameter("dense_2/kernel", new int[] {hidden, units}, w2, gw2));
            parameters.add(new Parameter("dense_2/bias", new int[] {units}, b2, gb2));
        }

        @Override
        public String name() {
            return "BatchMean";
        }

        @Override
        public int[] inputShape() {
            return new int[] {in};
        }

        @Override
        public int outputSize() {
            return units;
        }

        @Override
        public Network replica(int batchSize) {
            return new BatchMean(in, hidden, units, batchSize, w1, b1, w2, b2, movingMean, batch, updatesState);
        }

        @Override
        public int phases() {
            return 2;
        }

        @Override
        public double[] partialSums() {
            return partial;
        }

        @Override
        public double[] batchSums() {
            return batch;
        }

        @Override
        public float[] forward(float[] input, int n) {
            return forward(Batch.inference(input, n));
        }

        @Override
        public float[] forwardPhase(Batch b, int phase) {
            int n = b.size();
            if (phase == 0) {
                input = b.input();
                mode = b.mode();
                dense(input, in, w1, b1, hidden, n, z);
                partial[0] = n;
                for (int j = 0; j < hidden; j++) {
                    double s = 0;
                    for (int e = 0; e < n; e++) {
                        s += z[e * hidden + j];
                    }
                    partial[1 + j] = s;
                }
                return null;
            }
            for (int j = 0; j < hidden; j++) {
                mean[j] = mode == Mode.TRAINING ? (float) (batch[1 + j] / batch[0]) : movingMean[j];
            }
            for (int e = 0; e < n; e++) {
                for (int j = 0; j < hidden; j++) {
                    h[e * hidden + j] = z[e * hidden + j] - mean[j];
                }
            }
            dense(h, hidden, w2, b2, units, n, out);
            softmax(out, units, n);
            return out;
        }

        @Override
        public void backwardPhase(float[] gradient, boolean fromLogits, int n, int phase) {
            if (phase == 1) {
                float[] g = gradient;
                if (!fromLogits) {
                    softmaxBackward(out, gradient, units, n, logits);
                    g = logits;
                }
                denseBackward(h, hidden, w2, units, n, g, gw2, gb2, dh);
                for (int j = 0; j < hidden; j++) {
                    double s = 0;
                    for (int e = 0; e < n; e++) {
                        s += dh[e * hidden + j];
                    }
                    partial[1 + hidden + j] = s;
                }
                return;
            }
            // h = z - mean(z) over the batch: dz = dh - mean(dh), with the whole batch's mean of dh
            for (int j = 0; j < hidden; j++) {
                mean[j] = (float) (batch[1 + hidden + j] / batch[0]);
            }
            for (int e = 0; e < n; e++) {
                for (int j = 0; j < hidden; j++) {
                    dh[e * hidden + j] -= mean[j];
                }
            }
            denseBackward(input, in, w1, hidden, n, dh, gw1, gb1, null);
        }

        @Override
        public void updateState(Batch step) {
            stateUpdates.incrementAndGet();
            if (!updatesState) {
                return;
            }
            for (int j = 0; j < hidden; j++) {
                movingMean[j] = 0.9f * movingMean[j] + 0.1f * (float) (batch[1 + j] / batch[0]);
            }
        }

        @Override
        public void backward(float[] outputGradient, int n) {
            throw new UnsupportedOperationException("two phases: use backwardPhase");
        }

        @Override
        public void backwardFromLogits(float[] logitGradient, int n) {
            throw new UnsupportedOperationException("two phases: use backwardPhase");
        }
    }

    /**
     * Inverted dropout of rate 1/2 on the input (training only), then {@link DenseSoftmax}'s layer. Records, for every
     * (epoch, example id), the first random number its mask drew, so that tests can compare runs.
     */
    static final class Noisy extends Base {
        final DenseSoftmax dense;
        final Rng rng = new Rng(0);
        final float[] dropped;
        final Map<Long, Long> firstDraw;
        final AtomicInteger trainingPasses;
        final AtomicInteger inferencePasses;

        Noisy(int in, int units, int capacity, long seed) {
            this(new DenseSoftmax(in, units, capacity, seed, 0.3), new ConcurrentHashMap<>(), new AtomicInteger(),
                    new AtomicInteger());
        }

        private Noisy(DenseSoftmax dense, Map<Long, Long> firstDraw, AtomicInteger training, AtomicInteger inference) {
            super(dense.capacity);
            this.dense = dense;
            this.dropped = new float[dense.capacity * dense.in];
            this.firstDraw = firstDraw;
            this.trainingPasses = training;
            this.inferencePasses = inference;
            parameters.addAll(dense.parameters);
        }

        static long key(int epoch, int exampleId) {
            return ((long) epoch << 32) | exampleId;
        }

        @Override
        public String name() {
            return "Noisy";
        }

        @Override
        public int[] inputShape() {
            return dense.inputShape();
        }

        @Override
        public int outputSize() {
            return dense.units;
        }

        @Override
        public Network replica(int batchSize) {
            return new Noisy((DenseSoftmax) dense.replica(batchSize), firstDraw, trainingPasses, inferencePasses);
        }

        @Override
        public float[] forward(float[] input, int n) {
            inferencePasses.incrementAndGet();
            return dense.forward(input, n);
        }

        @Override
        public float[] forward(Batch b) {
            if (b.mode() == Mode.INFERENCE) {
                return forward(b.input(), b.size());
            }
            trainingPasses.incrementAndGet();
            int in = dense.in;
            for (int i = 0; i < b.size(); i++) {
                rng.reset(b.noiseSeed(0, i));
                long first = rng.nextLong();
                Long before = firstDraw.putIfAbsent(key(b.epoch(), b.exampleId(i)), first);
                if (before != null && before != first) {
                    throw new AssertionError("example " + b.exampleId(i) + " of epoch " + b.epoch()
                            + " drew different noise twice");
                }
                for (int f = 0; f < in; f++) {
                    dropped[i * in + f] = rng.nextDouble() < 0.5 ? 0f : 2f * b.input()[i * in + f];
                }
            }
            return dense.forward(dropped, b.size());
        }

        @Override
        public void backward(float[] outputGradient, int n) {
            dense.backward(outputGradient, n);
        }

        @Override
        public void backwardFromLogits(float[] logitGradient, int n) {
            dense.backwardFromLogits(logitGradient, n);
        }
    }
}
