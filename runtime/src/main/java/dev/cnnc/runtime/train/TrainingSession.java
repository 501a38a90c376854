package dev.cnnc.runtime.train;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.io.WeightsFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A whole training run as {@code cnnc train} does it, for the command line and for programs of
 * one's own alike: the summary, "Train on N samples", {@code fit} with a checkpoint after every
 * epoch (and resuming from one), saving the weights, evaluating on test data with the
 * {@code test_loss:}/{@code test_acc:} lines, and "Training took ...".
 *
 * <p>Everything goes to the {@link PrintStream} given, never to {@code System.out}. Errors a user can
 * cause are exceptions with messages meant for them: {@link CheckpointException} (no checkpoint, a
 * weights-only file, another seed, batch size or optimizer), {@link dev.cnnc.runtime.io.WeightsFormatException}
 * (a damaged or foreign file), {@link dev.cnnc.runtime.data.DataMismatchException} (data that does not
 * fit the model), {@link TrainingException} (the loss became NaN), and {@link IOException} for files
 * that cannot be written (the previous file is then intact).
 *
 * <pre>{@code
 * try (TrainingSession session = TrainingSession.builder(model, config).threads(4).seed(1).out(out)
 *         .checkpoint(dir.resolve("checkpoint.cnnw")).save(Path.of("model.cnnw")).build()) {
 *     session.train(mnist.train(), mnist.test());
 * }
 * }</pre>
 */
public final class TrainingSession implements AutoCloseable {
    private final Network model;
    private final TrainingConfig config;
    private final int threads;
    private final long seed;
    private final PrintStream out;
    private final boolean terminal;
    private final Path checkpoint;
    private final boolean resume;
    private final Path save;
    private final List<String> classNames;
    private final Trainer trainer;

    /** What a run measured. {@code test} is null without test data. */
    public record Result(History history, Trainer.Evaluation test, int epochsRun, double seconds,
            double imagesPerSecond) {}

    private TrainingSession(Builder b) {
        this.model = b.model;
        this.config = b.config;
        this.threads = b.threads;
        this.seed = b.seed;
        this.out = b.out;
        this.terminal = b.terminal;
        this.checkpoint = b.checkpoint;
        this.resume = b.resume;
        this.save = b.save;
        this.classNames = b.classNames;
        if (resume && checkpoint == null) {
            throw new IllegalArgumentException("resuming needs a checkpoint file");
        }
        this.trainer = new Trainer(model, config, threads, seed, out, terminal);
    }

    /**
     * A session for {@code model} (which holds the parameters; the trainer runs replicas of it) trained as
     * {@code config} says. Defaults: all processors, seed 1, {@code System.out} is <em>not</em> a default:
     * output goes nowhere until {@link Builder#out} is set.
     */
    public static Builder builder(Network model, TrainingConfig config) {
        return new Builder(model, config);
    }

    /** The trainer, for its optimizer or for evaluations of one's own. */
    public Trainer trainer() {
        return trainer;
    }

    /**
     * Trains on {@code data} (holding back the configuration's validation split from its end, as Keras does),
     * then saves and evaluates on {@code test} if given.
     *
     * @param test evaluated after training with the {@code test_loss:} and {@code test_acc:} lines, or null
     * @throws CheckpointException if resuming from an unusable checkpoint
     * @throws dev.cnnc.runtime.data.DataMismatchException if the data does not fit the model
     * @throws TrainingException if the loss becomes NaN or infinite
     * @throws IOException if a checkpoint or the weights cannot be written or read
     */
    public Result train(Dataset data, Dataset test) throws IOException {
        return train(data, null, test);
    }

    /**
     * Like {@link #train(Dataset, Dataset)}, validating after every epoch on {@code validation} (a set of its own,
     * such as an image folder's {@code validation/}) instead of a split of {@code data}; null to use the
     * configuration's validation split, if any.
     */
    public Result train(Dataset data, Dataset validationData, Dataset test) throws IOException {
        data.checkFits(model);
        if (test != null) {
            test.checkFits(model);
        }
        if (validationData != null) {
            validationData.checkFits(model);
        }
        Dataset train = data;
        Dataset validation = validationData;
        if (validation == null && config.validationSplit() > 0) {
            Dataset.Split split = data.split(config.validationSplit());
            train = split.train();
            validation = split.validation();
        }
        out.print(model.summary());
        History history = new History();
        int epochsDone = 0;
        if (resume) {
            epochsDone = restore(checkpoint, history);
            out.printf(Locale.ROOT, "Resuming from %s after epoch %d/%d%n", checkpoint, epochsDone, config.epochs());
        }
        out.printf(Locale.ROOT, "Train on %d samples%s, %d thread%s, %s%n", train.count(),
                validation == null ? "" : ", validate on " + validation.count() + " samples", threads,
                threads == 1 ? "" : "s", trainer.optimizer().describe());
        if (config.augmentation() != null) {
            out.println("Augmenting the training images: " + config.augmentation().describe());
        }
        long start = System.nanoTime();
        trainer.fit(train, validation, epochsDone, history,
                checkpoint == null ? null : (done, h) -> save(checkpoint, done, h));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (save != null) {
            save(save, config.epochs(), history);
            out.println("Saved weights to " + save);
        }
        Trainer.Evaluation evaluation = test == null ? null : evaluate(test);
        int epochsRun = config.epochs() - epochsDone;
        double rate = (double) train.count() * epochsRun / Math.max(seconds, 1e-9);
        out.printf(Locale.ROOT, "Training took %.1f s (%.0f images/s)%n", seconds, rate);
        return new Result(history, evaluation, epochsRun, seconds, rate);
    }

    /**
     * Evaluates the model on {@code test} with Keras' progress bar and prints {@code test_loss: 0.1234} and
     * {@code test_acc: 0.9876} (the lines scripts parse).
     *
     * @throws dev.cnnc.runtime.data.DataMismatchException if the data does not fit the model
     */
    public Trainer.Evaluation evaluate(Dataset test) {
        Trainer.Evaluation e = trainer.evaluate(test, out);
        out.printf(Locale.ROOT, "test_loss: %.4f%ntest_acc: %.4f%n", e.loss(), e.accuracy());
        return e;
    }

    /** Saves the weights, the optimizer's state and where training stands: all a resumed run needs. */
    private void save(Path file, int epochsDone, History history) throws IOException {
        WeightsFile.save(file, model,
                new WeightsFile.OptimizerState(trainer.optimizer().describe(), trainer.optimizer().iterations(),
                        trainer.optimizer().slots()),
                new WeightsFile.TrainingState(epochsDone, seed, config.batchSize(), history.all()), classNames);
    }

    /** Restores the checkpoint into the model and the optimizer; returns the epochs it had done. */
    private int restore(Path file, History history) throws IOException {
        if (!Files.exists(file)) {
            throw new CheckpointException(file, "no checkpoint at " + file + " to resume from; run without --resume first");
        }
        WeightsFile.Contents c = WeightsFile.load(file, model);
        if (c.optimizer() == null || c.training() == null) {
            throw new CheckpointException(file, file + " holds weights only, not a checkpoint to resume from");
        }
        WeightsFile.TrainingState t = c.training();
        if (t.seed() != seed || t.batchSize() != config.batchSize()) {
            throw new CheckpointException(file, String.format(Locale.ROOT, "%s was made with --seed %d and batch size %d; "
                    + "resume with the same (now --seed %d, batch size %d)", file, t.seed(), t.batchSize(), seed,
                    config.batchSize()));
        }
        if (!c.optimizer().name().equals(trainer.optimizer().describe())) {
            throw new CheckpointException(file, file + " was trained with " + c.optimizer().name() + ", not "
                    + trainer.optimizer().describe());
        }
        trainer.optimizer().restore(c.optimizer().iterations(), c.optimizer().slots());
        for (Map.Entry<String, List<Double>> e : t.history().entrySet()) {
            for (double v : e.getValue()) {
                history.add(e.getKey(), v);
            }
        }
        return t.epochsDone();
    }

    @Override
    public void close() {
        trainer.close();
    }

    /** Builds a {@link TrainingSession}. */
    public static final class Builder {
        private final Network model;
        private final TrainingConfig config;
        private int threads = Runtime.getRuntime().availableProcessors();
        private long seed = 1;
        private PrintStream out = new PrintStream(java.io.OutputStream.nullOutputStream());
        private boolean terminal;
        private Path checkpoint;
        private boolean resume;
        private Path save;
        private List<String> classNames;

        private Builder(Network model, TrainingConfig config) {
            this.model = Objects.requireNonNull(model, "model");
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Worker threads, at least 1 (results do not depend on it); default: available processors. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, found " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** The seed of the shuffles and the noise (the model's initial weights come from its constructor). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Where the summary, progress and results go. */
        public Builder out(PrintStream out) {
            this.out = Objects.requireNonNull(out, "out");
            return this;
        }

        /** Whether {@code out} is a terminal, where the progress bar is redrawn in place. */
        public Builder terminal(boolean terminal) {
            this.terminal = terminal;
            return this;
        }

        /** Write a checkpoint to {@code file} after every epoch; null for none. */
        public Builder checkpoint(Path file) {
            this.checkpoint = file;
            return this;
        }

        /** Continue from the {@link #checkpoint} file instead of starting afresh. */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** Save the trained weights (with the optimizer's state) to {@code file}; null for none. */
        public Builder save(Path file) {
            this.save = file;
            return this;
        }

        /** The names of the classes, stored with the saved weights and checkpoints; null for none. */
        public Builder classNames(List<String> classNames) {
            this.classNames = classNames == null ? null : List.copyOf(classNames);
            return this;
        }

        /**
         * The session, with its worker threads started ({@link #close()} them).
         *
         * @throws IllegalArgumentException if the configuration has no optimizer or loss, or resuming has no
         *     checkpoint file
         */
        public TrainingSession build() {
            return new TrainingSession(this);
        }
    }
}
