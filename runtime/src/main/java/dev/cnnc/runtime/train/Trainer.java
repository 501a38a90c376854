package dev.cnnc.runtime.train;

import dev.cnnc.runtime.ActivationKind;
import dev.cnnc.runtime.Batch;
import dev.cnnc.runtime.Mode;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.Progress;
import dev.cnnc.runtime.Rng;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Augmentation;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.optim.Loss;
import dev.cnnc.runtime.optim.Metrics;
import dev.cnnc.runtime.optim.Optimizer;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * Trains a generated network Keras-style: {@code fit} with shuffling every epoch and the last
 * short batch kept, {@code evaluate}, a progress bar, a NaN stop.
 *
 * <p>All cores: every batch is split into chunks of {@link #CHUNK} examples, each run by its own
 * replica of the network (same parameters, own buffers) on whichever thread is free; the chunks'
 * gradients are then summed in chunk order. Chunks and their order do not depend on the number of
 * threads, so neither do the results: the same seed gives bit-identical weights on 1 thread or 16.
 *
 * <p>The trainer speaks {@link Network}'s training protocol: every chunk's replica gets a reused
 * {@link Batch} (example ids = the examples' indices in the data set, the seed, the epoch, and
 * {@link Mode#TRAINING} in {@code fit}, {@link Mode#INFERENCE} in {@code evaluate}); networks with several
 * {@link Network#phases() phases} have their chunks' {@link Network#partialSums() partial sums} added in
 * chunk order into {@link Network#batchSums()} between phases; after the reductions of a step the model's
 * {@link Network#updateState} runs once. Only {@link Network#trainableParameters() trainable} tensors are
 * reduced and updated. A step allocates nothing (except with a {@link ChunkSource}, whose results arrive as new
 * arrays from another JVM).
 *
 * <p>The model given holds the parameters and their summed gradients; its own batch buffers are not
 * used, so a model built for batch size 1 is enough.
 */
public final class Trainer implements AutoCloseable {
    /** Examples per chunk of a batch. */
    public static final int CHUNK = 16;
    /** The seed's stream index for epoch {@code e}'s shuffle is {@code SHUFFLE_STREAM + e}. */
    static final long SHUFFLE_STREAM = 1L << 32;
    /** The "layer" index of {@link Batch#noiseSeed} for augmentation: before every layer (0, 1, ...). */
    static final int AUGMENT_STREAM = -1;

    /** Called after every epoch, for checkpoints. */
    @FunctionalInterface
    public interface EpochListener {
        void epochEnd(int epochsDone, History history) throws IOException;
    }

    /** The loss and accuracy of {@link #evaluate}. */
    public record Evaluation(double loss, double accuracy) {}

    private final Network model;
    private final TrainingConfig config;
    private final Loss loss;
    private final Metrics.Accuracy accuracy;
    private final Optimizer optimizer;
    private final boolean fused;
    /** The loss applies softmax (sigmoid) to the outputs first: {@link TrainingConfig#fromLogits}. */
    private final boolean fromLogits;
    private final Workers workers;
    private final long seed;
    private final Chunk[] chunks;
    private final Parameter[] trainable;
    private final Parameter[][] chunkTrainable;
    private final int phases;
    /** The whole step, for {@link Network#updateState}: size and example ids, no input. */
    private final Batch stepBatch;
    private final PrintStream out;
    private final boolean terminal;
    private final IntConsumer updateTask;
    /** The file's augment(...), or null; and the image's rows, columns and channels. */
    private final Augmentation augmentation;
    private final int rows;
    private final int cols;
    private final int channels;
    private final Job job = new Job();
    private final IntConsumer reduceTask = j -> reduce(j, this.reduceCount);
    private int reduceCount;

    /** One chunk's replica and buffers, and what its last step measured. */
    private static final class Chunk {
        final Network net;
        final Batch batch = new Batch(CHUNK);
        final float[] input;
        final float[] targets;
        final float[] gradient;
        /** The examples before augmentation, and the generator of their transformations (augmenting only). */
        final float[] original;
        /** The softmax (or sigmoid) of the outputs, for a loss from logits; else null. */
        final float[] probabilities;
        final Rng rng = new Rng(0);
        double loss;
        double correct;
        double activity;

        Chunk(Network net, boolean augmenting, boolean fromLogits) {
            this.net = net;
            this.probabilities = fromLogits ? new float[CHUNK * net.outputSize()] : null;
            this.input = new float[CHUNK * net.inputSize()];
            this.targets = new float[CHUNK * net.outputSize()];
            this.gradient = new float[CHUNK * net.outputSize()];
            this.original = augmenting ? new float[CHUNK * net.inputSize()] : null;
        }
    }

    /**
     * @param threads worker threads (the caller's thread counts as one)
     * @param out where the progress goes; {@code terminal} redraws it in place
     */
    public Trainer(Network model, TrainingConfig config, int threads, long seed, PrintStream out, boolean terminal) {
        if (!config.isCompiled()) {
            throw new IllegalArgumentException("the model has no compile(...) line: add one such as "
                    + "compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])");
        }
        this.model = model;
        this.config = config;
        this.augmentation = config.augmentation();
        int[] shape = model.inputShape();
        if (augmentation != null && shape.length != 3) {
            throw new IllegalArgumentException("augment(...) needs images (rows, cols, channels), but the input of "
                    + model.name() + " is " + java.util.Arrays.toString(shape));
        }
        boolean first = augmentation != null && augmentation.channelsFirst();
        this.rows = shape.length == 3 ? shape[first ? 1 : 0] : 0;
        this.cols = shape.length == 3 ? shape[first ? 2 : 1] : 0;
        this.channels = shape.length == 3 ? shape[first ? 0 : 2] : 0;
        this.loss = Loss.of(config.loss());
        this.accuracy = Metrics.accuracyFor(loss, model.outputSize());
        this.optimizer = Optimizer.create(config, model.trainableParameters());
        this.fused = loss.fusesWith(model.outputActivation());
        this.fromLogits = config.fromLogits();
        if (fromLogits && (model.outputActivation() != ActivationKind.LINEAR || !loss.fusesWith(
                loss == Loss.BINARY_CROSSENTROPY ? ActivationKind.SIGMOID : ActivationKind.SOFTMAX))) {
            throw new IllegalArgumentException(config.loss() + " from logits needs a last layer without activation, "
                    + "and a cross-entropy loss; " + model.name() + " ends with " + model.outputActivation());
        }
        this.seed = seed;
        this.out = out;
        this.terminal = terminal;
        this.chunks = new Chunk[(config.batchSize() + CHUNK - 1) / CHUNK];
        this.trainable = model.trainableParameters().toArray(new Parameter[0]);
        this.chunkTrainable = new Parameter[chunks.length][];
        for (int k = 0; k < chunks.length; k++) {
            chunks[k] = new Chunk(model.replica(CHUNK), augmentation != null, fromLogits);
            chunkTrainable[k] = chunks[k].net.trainableParameters().toArray(new Parameter[0]);
            if (chunkTrainable[k].length != trainable.length) {
                throw new IllegalStateException(model.name() + ": a replica has " + chunkTrainable[k].length
                        + " trainable parameters, the model " + trainable.length);
            }
        }
        this.phases = model.phases();
        if (phases < 1) {
            throw new IllegalStateException(model.name() + " has " + phases + " phases");
        }
        this.stepBatch = new Batch(Math.max(1, config.batchSize()));
        this.workers = new Workers(threads);
        this.updateTask = optimizer::update;
        if (optimizer.parameters().size() != trainable.length) {
            throw new IllegalStateException("the optimizer updates " + optimizer.parameters().size()
                    + " parameters, the model has " + trainable.length + " trainable ones");
        }
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    private ChunkSource chunkSource;

    /**
     * Computes the chunks of every training step with {@code source} (another JVM, a cluster) instead of this
     * machine's threads; null for the threads. Only for models of one phase: BatchNormalization's whole-batch
     * statistics would need a round trip per phase.
     */
    public Trainer chunkSource(ChunkSource source) {
        if (source != null && phases > 1) {
            throw new IllegalArgumentException(model.name() + " has layers with whole-batch statistics "
                    + "(BatchNormalization): its steps cannot be computed elsewhere chunk by chunk yet");
        }
        this.chunkSource = source;
        return this;
    }

    /**
     * Computes chunk {@code k} of a step as {@link #fit} does on its threads: the examples {@code stepOrder[16k,
     * 16k + 16)} of {@code data} (of a step of {@code n} examples, epoch {@code epoch}), with this trainer's model's
     * current weights. What a {@link ChunkSource} runs on each machine; results are copies.
     */
    public ChunkSource.Result computeChunk(Dataset data, int[] stepOrder, int n, int epoch, int k) {
        if (phases > 1) {
            throw new IllegalStateException(model.name() + " has several phases");
        }
        job.start(data, stepOrder, 0, n, epoch, Mode.TRAINING);
        job.phase(Job.FORWARD_LOSS_BACKWARD, 0);
        job.accept(k);
        job.data = null;
        Chunk c = chunks[k];
        List<float[]> gradients = new java.util.ArrayList<>(trainable.length);
        for (Parameter p : chunkTrainable[k]) {
            gradients.add(p.gradients().clone());
        }
        return new ChunkSource.Result(k, gradients, c.loss, c.correct, c.activity);
    }

    /**
     * Runs up to {@code steps} optimizer steps of {@link TrainingConfig#batchSize()} examples each on examples
     * {@code order[from, ...)} of {@code data} in epoch {@code epoch} (what one worker of parameter averaging does
     * between two averagings); returns the summed loss times examples and the number of examples, in that order.
     */
    public double[] trainSteps(Dataset data, int[] order, int from, int steps, int epoch) {
        data.checkFits(model);
        double lossSum = 0;
        int seen = 0;
        int batch = config.batchSize();
        for (int s = 0; s < steps && from + s * batch < order.length; s++) {
            int at = from + s * batch;
            int n = Math.min(batch, order.length - at);
            lossSum += trainStep(data, order, at, n, epoch) * n;
            seen += n;
        }
        return new double[] {lossSum, seen};
    }

    /** Copies a chunk computed elsewhere into chunk {@code r.chunk()}, as if it had been computed here. */
    private void accept(ChunkSource.Result r, int count) {
        if (r.chunk() < 0 || r.chunk() >= count || r.gradients().size() != trainable.length) {
            throw new IllegalStateException("a chunk result does not belong to this step: chunk " + r.chunk());
        }
        Chunk c = chunks[r.chunk()];
        for (int j = 0; j < trainable.length; j++) {
            float[] g = r.gradients().get(j);
            System.arraycopy(g, 0, chunkTrainable[r.chunk()][j].gradients(), 0, g.length);
        }
        c.loss = r.loss();
        c.correct = r.correct();
        c.activity = r.activity();
    }

    public TrainingConfig config() {
        return config;
    }

    /**
     * Trains for the configured epochs, starting after {@code epochsDone} (0 for a fresh start),
     * appending each epoch's metrics to {@code history}.
     *
     * @param validation data evaluated after every epoch, or null
     * @throws TrainingException if the loss becomes NaN or infinite
     * @throws dev.cnnc.runtime.data.DataMismatchException if the data does not fit the model
     */
    public History fit(Dataset train, Dataset validation, int epochsDone, History history, EpochListener listener)
            throws IOException {
        train.checkFits(model);
        if (validation != null) {
            validation.checkFits(model);
        }
        int batch = config.batchSize();
        int steps = (train.count() + batch - 1) / batch;
        int[] order = new int[train.count()];
        for (int epoch = epochsDone; epoch < config.epochs(); epoch++) {
            out.println("Epoch " + (epoch + 1) + "/" + config.epochs());
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            if (config.shuffle()) {
                Rng.stream(seed, SHUFFLE_STREAM + epoch).shuffle(order);
            }
            Progress progress = new Progress(out, terminal, train.count());
            long epochStart = System.nanoTime();
            double lossSum = 0;
            double correctSum = 0;
            int seen = 0;
            for (int step = 0; step < steps; step++) {
                int from = step * batch;
                int n = Math.min(batch, order.length - from);
                double batchLoss = trainStep(train, order, from, n, epoch);
                if (!Double.isFinite(batchLoss)) {
                    progress.done(metrics(lossSum / Math.max(seen, 1), correctSum / Math.max(seen, 1)));
                    throw new TrainingException(String.format(Locale.ROOT,
                            "the loss became %s at epoch %d/%d, step %d/%d: training stopped (as Keras' TerminateOnNaN). "
                                    + "The learning rate %s may be too high; try a lower one (--learning-rate).",
                            Double.isNaN(batchLoss) ? "NaN" : "infinite", epoch + 1, config.epochs(), step + 1, steps,
                            config.learningRate()));
                }
                lossSum += batchLoss * n;
                for (int k = 0; k < chunkCount(n); k++) {
                    correctSum += chunks[k].correct;
                }
                seen += n;
                progress.update(seen, metrics(lossSum / seen, correctSum / seen));
            }
            String line = metrics(lossSum / seen, correctSum / seen);
            history.add("loss", lossSum / seen);
            history.add("acc", correctSum / seen);
            if (validation != null) {
                Evaluation v = evaluate(validation, null);
                history.add("val_loss", v.loss());
                history.add("val_acc", v.accuracy());
                line += Progress.metric("val_loss", v.loss()) + Progress.metric("val_acc", v.accuracy());
            }
            progress.done(line);
            history.addSeconds((System.nanoTime() - epochStart) / 1e9);
            if (listener != null) {
                listener.epochEnd(epoch + 1, history);
            }
        }
        return history;
    }

    private static String metrics(double loss, double accuracy) {
        return Progress.metric("loss", loss) + Progress.metric("acc", accuracy);
    }

    private static int chunkCount(int n) {
        return (n + CHUNK - 1) / CHUNK;
    }

    /** One optimizer step on examples {@code order[from, from + n)}; returns the batch's loss. Allocates nothing. */
    double trainStep(Dataset data, int[] order, int from, int n, int epoch) {
        int count = chunkCount(n);
        int last = phases - 1;
        if (chunkSource != null) {
            int[] stepOrder = java.util.Arrays.copyOfRange(order, from, from + n);
            java.util.List<ChunkSource.Result> results = chunkSource.compute(epoch, stepOrder, n);
            if (results.size() != count) {
                throw new IllegalStateException("the step has " + count + " chunks; " + results.size() + " came back");
            }
            for (ChunkSource.Result r : results) {
                accept(r, count);
            }
            return update(order, from, n, epoch, count);
        }
        job.start(data, order, from, n, epoch, Mode.TRAINING);
        for (int phase = 0; phase < last; phase++) {
            job.phase(Job.FORWARD, phase);
            workers.run(count, job);
            reduceSums(count);
        }
        // The last forward phase, the loss and the last backward phase need no reduction between them.
        job.phase(Job.FORWARD_LOSS_BACKWARD, last);
        workers.run(count, job);
        for (int phase = last - 1; phase >= 0; phase--) {
            reduceSums(count);
            job.phase(Job.BACKWARD, phase);
            workers.run(count, job);
        }
        job.data = null; // do not keep the data set alive
        return update(order, from, n, epoch, count);
    }

    /** The chunks' gradients summed in chunk order, then the optimizer's update; returns the step's loss. */
    private double update(int[] order, int from, int n, int epoch, int count) {
        reduceCount = count;
        workers.run(trainable.length, reduceTask);
        double total = model.regularizationLoss();
        for (int k = 0; k < count; k++) {
            total += chunks[k].loss / n + chunks[k].activity;
        }
        if (Double.isFinite(total)) {
            System.arraycopy(order, from, stepBatch.exampleIds(), 0, n);
            stepBatch.set(NO_INPUT, n, Mode.TRAINING).noise(seed, epoch);
            model.updateState(stepBatch);
            model.addRegularizationGradients();
            optimizer.beginUpdate();
            workers.run(trainable.length, updateTask);
            optimizer.endUpdate();
            model.applyConstraints();
        }
        return total;
    }

    private static final float[] NO_INPUT = new float[0];

    /**
     * What every chunk does in one {@link Workers#run} of a step or an evaluation: one object, refilled
     * before each run, so that a step allocates no lambdas.
     */
    private final class Job implements IntConsumer {
        static final int FORWARD = 0;
        static final int FORWARD_LOSS_BACKWARD = 1;
        static final int BACKWARD = 2;
        static final int EVALUATE = 3;

        Dataset data;
        int[] order;
        int from;
        int n;
        int epoch;
        Mode mode;
        int kind;
        int phase;

        void start(Dataset data, int[] order, int from, int n, int epoch, Mode mode) {
            this.data = data;
            this.order = order;
            this.from = from;
            this.n = n;
            this.epoch = epoch;
            this.mode = mode;
        }

        void phase(int kind, int phase) {
            this.kind = kind;
            this.phase = phase;
        }

        @Override
        public void accept(int k) {
            Chunk c = chunks[k];
            if (phase == 0 && kind != BACKWARD) {
                load(k);
            }
            int m = c.batch.size();
            switch (kind) {
                case FORWARD -> c.net.forwardPhase(c.batch, phase);
                case FORWARD_LOSS_BACKWARD -> {
                    float[] output = scored(c, c.net.forwardPhase(c.batch, phase), m);
                    // from logits, the gradient of the loss of softmax(z) is the fused one, (p - t) / N, with respect to z
                    c.loss = loss.compute(output, c.targets, 0, m, c.net.outputSize(), n, c.gradient, fused || fromLogits);
                    c.correct = accuracy.correct(output, c.targets, 0, m, c.net.outputSize());
                    c.activity = c.net.activityLoss();
                    c.net.backwardPhase(c.gradient, fused, m, phase);
                }
                case BACKWARD -> c.net.backwardPhase(c.gradient, fused, m, phase);
                default -> evaluate(c, m, phase);
            }
        }

        /** Evaluation phase {@code phase} of chunk {@code c}; after the last, its loss, correct count and activity penalty. */
        void evaluate(Chunk c, int m, int phase) {
            float[] output = c.net.forwardPhase(c.batch, phase);
            if (phase == phases - 1) {
                output = scored(c, output, m);
                c.loss = loss.compute(output, c.targets, 0, m, c.net.outputSize(), 1, null, false);
                c.correct = accuracy.correct(output, c.targets, 0, m, c.net.outputSize());
                c.activity = c.net.activityLoss();
            }
        }

        /** The outputs the loss and accuracy see: softmax or sigmoid of the logits for a loss from logits. */
        private float[] scored(Chunk c, float[] output, int m) {
            if (!fromLogits) {
                return output;
            }
            Probabilities.of(output, c.probabilities, m, c.net.outputSize(), loss == Loss.BINARY_CROSSENTROPY);
            return c.probabilities;
        }

        /**
         * Fills chunk {@code k}: inputs, targets, its {@link Batch} (example ids = the examples' indices in the
         * data set, mode, seed, epoch); in training also zeroes its gradients.
         */
        private void load(int k) {
            load(chunks[k], from + k * CHUNK, Math.min(CHUNK, n - k * CHUNK));
        }

        /** Fills chunk {@code c} with the {@code m} examples {@code order[start ..]}, as {@link #load(int)}. */
        void load(Chunk c, int start, int m) {
            data.copyInputs(order, start, m, c.input);
            data.copyTargets(order, start, m, c.targets);
            System.arraycopy(order, start, c.batch.exampleIds(), 0, m);
            c.batch.set(c.input, m, mode).noise(seed, epoch);
            if (mode == Mode.TRAINING) {
                if (augmentation != null) {
                    augment(c, m);
                }
                c.net.zeroGradients();
            }
        }

        /**
         * Replaces chunk {@code c}'s {@code m} examples by their random transformations; example i's
         * transformation is drawn from {@link Batch#noiseSeed}{@code (-1, i)}, a function of the seed,
         * the epoch and the example's index only.
         */
        private void augment(Chunk c, int m) {
            int size = c.net.inputSize();
            System.arraycopy(c.input, 0, c.original, 0, m * size);
            for (int i = 0; i < m; i++) {
                c.rng.reset(c.batch.noiseSeed(AUGMENT_STREAM, i));
                augmentation.apply(c.original, i * size, c.input, i * size, rows, cols, channels, c.rng);
            }
        }
    }

    /** The whole batch's sums: the first {@code count} chunks' partial sums added in chunk order. */
    private void reduceSums(int count) {
        double[] sums = model.batchSums();
        if (sums.length == 0) {
            return;
        }
        java.util.Arrays.fill(sums, 0);
        for (int k = 0; k < count; k++) {
            double[] partial = chunks[k].net.partialSums();
            for (int i = 0; i < sums.length; i++) {
                sums[i] += partial[i];
            }
        }
    }

    /** The gradient of trainable parameter {@code j}: the chunks' gradients summed in chunk order. */
    private void reduce(int j, int count) {
        float[] sum = trainable[j].gradients();
        System.arraycopy(chunkTrainable[0][j].gradients(), 0, sum, 0, sum.length);
        for (int k = 1; k < count; k++) {
            float[] g = chunkTrainable[k][j].gradients();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += g[i];
            }
        }
    }

    /**
     * The mean loss (plus regularization penalties, as Keras reports it) and the accuracy on
     * {@code data}. Examples go through the trainer's replicas a chunk each, in groups as large as a
     * training batch; nothing depends on the grouping but the summation order of the loss, which is
     * fixed.
     *
     * @param progress where to show Keras' evaluation progress bar, or null for none
     */
    public Evaluation evaluate(Dataset data, PrintStream progress) {
        data.checkFits(model);
        int batch = chunks.length * CHUNK;
        int[] order = new int[data.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Progress bar = progress == null ? null : new Progress(progress, terminal, data.count());
        if (phases == 1 && workers.size() <= chunks.length) {
            return evaluateBySlices(data, order, bar);
        }
        double lossSum = 0;
        double correctSum = 0;
        double activity = 0;
        for (int from = 0; from < order.length; from += batch) {
            int n = Math.min(batch, order.length - from);
            int count = chunkCount(n);
            job.start(data, order, from, n, 0, Mode.INFERENCE);
            for (int phase = 0; phase < phases; phase++) {
                job.phase(Job.EVALUATE, phase);
                workers.run(count, job);
                if (phase < phases - 1) {
                    reduceSums(count);
                }
            }
            job.data = null;
            double batchActivity = 0;
            for (int k = 0; k < count; k++) {
                lossSum += chunks[k].loss;
                correctSum += chunks[k].correct;
                batchActivity += chunks[k].activity;
            }
            activity += batchActivity * n; // Keras averages batch losses weighted by batch size
            if (bar != null) {
                bar.update(from + n, "");
            }
        }
        if (bar != null) {
            bar.done("");
        }
        int n = Math.max(1, data.count());
        return new Evaluation((lossSum + activity) / n + model.regularizationLoss(), correctSum / n);
    }

    /** Chunks per {@link Workers#run} of {@link #evaluateBySlices}: the progress bar moves once per slice. */
    static final int SLICE_CHUNKS = 64;

    /**
     * {@link #evaluate} for a model of one phase: the chunks of a slice of {@link #SLICE_CHUNKS} chunks in one
     * run of the threads, each thread evaluating its chunks with a replica of its own, so that no thread waits
     * at the end of every batch for the other's last chunk; the results are kept per chunk and added in the
     * order and the groups of {@link #evaluate}'s batches, so the result has the same bits.
     */
    private Evaluation evaluateBySlices(Dataset data, int[] order, Progress bar) {
        int total = chunkCount(order.length);
        Slices slices = new Slices(total);
        job.start(data, order, 0, order.length, 0, Mode.INFERENCE);
        for (int first = 0; first < total; first += SLICE_CHUNKS) {
            slices.first = first;
            int count = Math.min(SLICE_CHUNKS, total - first);
            workers.run(count, slices);
            if (bar != null) {
                bar.update(Math.min(order.length, (first + count) * CHUNK), "");
            }
        }
        job.data = null;
        if (bar != null) {
            bar.done("");
        }
        double lossSum = 0;
        double correctSum = 0;
        double activity = 0;
        int perBatch = chunks.length;
        for (int k0 = 0; k0 < total; k0 += perBatch) {
            double batchActivity = 0;
            for (int k = k0; k < Math.min(total, k0 + perBatch); k++) {
                lossSum += slices.loss[k];
                correctSum += slices.correct[k];
                batchActivity += slices.activity[k];
            }
            int n = Math.min(perBatch * CHUNK, order.length - k0 * CHUNK);
            activity += batchActivity * n; // Keras averages batch losses weighted by batch size
        }
        int n = Math.max(1, data.count());
        return new Evaluation((lossSum + activity) / n + model.regularizationLoss(), correctSum / n);
    }

    /**
     * Evaluates chunk {@code first + task} of the {@link Job}'s data with thread {@code thread}'s replica, and keeps
     * its results.
     */
    private final class Slices implements Workers.Task {
        final double[] loss;
        final double[] correct;
        final double[] activity;
        int first;

        Slices(int total) {
            this.loss = new double[total];
            this.correct = new double[total];
            this.activity = new double[total];
        }

        @Override
        public void run(int task, int thread) {
            int k = first + task;
            Chunk c = chunks[thread];
            job.load(c, k * CHUNK, Math.min(CHUNK, job.n - k * CHUNK));
            job.evaluate(c, c.batch.size(), 0);
            loss[k] = c.loss;
            correct[k] = c.correct;
            activity[k] = c.activity;
        }
    }

    @Override
    public void close() {
        workers.close();
    }
}
