package dev.cnnc.runtime.train;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.Rng;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.optim.Loss;
import dev.cnnc.runtime.optim.Metrics;
import dev.cnnc.runtime.optim.Optimizer;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Trains a generated network Keras-style: {@code fit} with shuffling every epoch and the last
 * short batch kept, {@code evaluate}, a progress bar, a NaN stop.
 *
 * <p>All cores: every batch is split into chunks of {@link #CHUNK} examples, each run by its own
 * replica of the network (same parameters, own buffers) on whichever thread is free; the chunks'
 * gradients are then summed in chunk order. Chunks and their order do not depend on the number of
 * threads, so neither do the results: the same seed gives bit-identical weights on 1 thread or 16.
 *
 * <p>The model given holds the parameters and their summed gradients; its own batch buffers are not
 * used, so a model built for batch size 1 is enough.
 */
public final class Trainer implements AutoCloseable {
    /** Examples per chunk of a batch. */
    public static final int CHUNK = 16;
    /** The seed's stream index for epoch {@code e}'s shuffle is {@code SHUFFLE_STREAM + e}. */
    static final long SHUFFLE_STREAM = 1L << 32;

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
    private final Workers workers;
    private final long seed;
    private final Chunk[] chunks;
    private final PrintStream out;
    private final boolean terminal;
    private final java.util.function.IntConsumer updateTask;

    /** One chunk's replica and buffers, and what its last step measured. */
    private static final class Chunk {
        final Network net;
        final float[] input;
        final float[] targets;
        final float[] gradient;
        double loss;
        double correct;
        double activity;

        Chunk(Network net) {
            this.net = net;
            this.input = new float[CHUNK * net.inputSize()];
            this.targets = new float[CHUNK * net.outputSize()];
            this.gradient = new float[CHUNK * net.outputSize()];
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
        this.loss = Loss.of(config.loss());
        this.accuracy = Metrics.accuracyFor(loss, model.outputSize());
        this.optimizer = Optimizer.create(config, model.parameters());
        this.fused = loss.fusesWith(model.outputActivation());
        this.seed = seed;
        this.out = out;
        this.terminal = terminal;
        this.chunks = new Chunk[(config.batchSize() + CHUNK - 1) / CHUNK];
        for (int k = 0; k < chunks.length; k++) {
            chunks[k] = new Chunk(model.replica(CHUNK));
        }
        this.workers = new Workers(threads);
        this.updateTask = optimizer::update;
    }

    public Optimizer optimizer() {
        return optimizer;
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
     */
    public History fit(Dataset train, Dataset validation, int epochsDone, History history, EpochListener listener)
            throws IOException {
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
            double lossSum = 0;
            double correctSum = 0;
            int seen = 0;
            for (int step = 0; step < steps; step++) {
                int from = step * batch;
                int n = Math.min(batch, order.length - from);
                double batchLoss = trainStep(train, order, from, n);
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

    /** One optimizer step on examples {@code order[from, from + n)}; returns the batch's loss. */
    private double trainStep(Dataset data, int[] order, int from, int n) {
        int count = chunkCount(n);
        workers.run(count, k -> {
            Chunk c = chunks[k];
            int start = from + k * CHUNK;
            int m = Math.min(CHUNK, n - k * CHUNK);
            data.copyImages(order, start, m, c.input);
            data.copyOneHotLabels(order, start, m, c.targets);
            c.net.zeroGradients();
            float[] output = c.net.forward(c.input, m);
            c.loss = loss.compute(output, c.targets, 0, m, c.net.outputSize(), n, c.gradient, fused);
            c.correct = accuracy.correct(output, c.targets, 0, m, c.net.outputSize());
            c.activity = c.net.activityLoss();
            if (fused) {
                c.net.backwardFromLogits(c.gradient, m);
            } else {
                c.net.backward(c.gradient, m);
            }
        });
        List<Parameter> params = model.parameters();
        workers.run(params.size(), j -> reduce(j, count));
        double total = model.regularizationLoss();
        for (int k = 0; k < count; k++) {
            total += chunks[k].loss / n + chunks[k].activity;
        }
        if (Double.isFinite(total)) {
            model.addRegularizationGradients();
            optimizer.beginUpdate();
            workers.run(params.size(), updateTask);
            optimizer.endUpdate();
            model.applyConstraints();
        }
        return total;
    }

    /** The gradient of parameter {@code j}: the chunks' gradients summed in chunk order. */
    private void reduce(int j, int count) {
        float[] sum = model.parameters().get(j).gradients();
        System.arraycopy(chunks[0].net.parameters().get(j).gradients(), 0, sum, 0, sum.length);
        for (int k = 1; k < count; k++) {
            float[] g = chunks[k].net.parameters().get(j).gradients();
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
        int batch = chunks.length * CHUNK;
        int[] order = new int[data.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Progress bar = progress == null ? null : new Progress(progress, terminal, data.count());
        double lossSum = 0;
        double correctSum = 0;
        double activity = 0;
        for (int from = 0; from < order.length; from += batch) {
            int n = Math.min(batch, order.length - from);
            int start = from;
            int count = chunkCount(n);
            workers.run(count, k -> {
                Chunk c = chunks[k];
                int m = Math.min(CHUNK, n - k * CHUNK);
                data.copyImages(order, start + k * CHUNK, m, c.input);
                data.copyOneHotLabels(order, start + k * CHUNK, m, c.targets);
                float[] output = c.net.forward(c.input, m);
                c.loss = loss.compute(output, c.targets, 0, m, c.net.outputSize(), 1, null, false);
                c.correct = accuracy.correct(output, c.targets, 0, m, c.net.outputSize());
                c.activity = c.net.activityLoss();
            });
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

    @Override
    public void close() {
        workers.close();
    }
}
