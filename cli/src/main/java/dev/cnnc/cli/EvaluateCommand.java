package dev.cnnc.cli;

import dev.cnnc.cli.pictures.Confusion;
import dev.cnnc.cli.pictures.Pictures;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.DataMismatchException;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.optim.LossKind;
import dev.cnnc.runtime.optim.OptimizerKind;
import dev.cnnc.runtime.train.TrainingSession;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "evaluate",
        description = {"Evaluates saved weights on test data: prints test_loss and test_acc.",
                "The data: --test-data, else the test part of --data (MNIST's 10,000 test images by default),",
                "else all of --data."},
        mixinStandardHelpOptions = true)
final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    ScriptOption script;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    TrainedModel trained;

    @Option(names = "--report", paramLabel = "DIR", description = {"Also print the confusion matrix and write it",
            "(confusion.csv, confusion.png) and the most confidently wrong images (mistakes.png) to DIR."})
    Path report;

    @Mixin
    DataOption data;

    @Mixin
    ThreadsOption threads;

    @Mixin
    VectorOption vector;

    @Override
    public Integer call() {
        TrainedModel.Loaded loadedModel = trained.load(spec.commandLine().getErr(), vector);
        if (loadedModel == null) {
            return Main.MODEL_ERRORS;
        }
        Network model = loadedModel.model();
        TrainingConfig config = model.trainingConfig();
        if (!config.isCompiled()) { // the loss to report: Keras' usual one for a classifier
            config = TrainingConfig.defaults(OptimizerKind.RMSPROP, LossKind.CATEGORICAL_CROSSENTROPY);
        }
        config = config.withBatchSize(64);
        java.util.List<String> classes = loadedModel.contents().classNames();
        DataOption.Data loaded = data.load(model, spec.commandLine().getErr());
        Dataset test = loaded.test() != null ? loaded.test() : loaded.train();
        try (TrainingSession session = TrainingSession.builder(model, config).threads(threads.count()).seed(0)
                .out(PrintStreams.of(spec.commandLine().getOut())).terminal(System.console() != null).build()) {
            session.evaluate(test);
            if (report != null) {
                report(model, test, classes != null ? classes : loaded.classNames());
            }
        } catch (DataMismatchException e) {
            throw new Main.UserException(e.getMessage(), e.modelSide() ? Main.MODEL_ERRORS : Main.USAGE);
        }
        return Main.OK;
    }

    private void report(Network model, Dataset test, java.util.List<String> classes) {
        if (test.targetKind() != Dataset.TargetKind.CLASSES) {
            throw new Main.UserException("--report needs class labels; this data has target vectors", Main.USAGE);
        }
        if (Files.exists(report) && !Files.isDirectory(report)) {
            throw new Main.UserException(report + ": is a file, not a folder (--report names a folder)", Main.USAGE);
        }
        Confusion.Predictions p = Confusion.predict(model, test);
        PrintWriter out = spec.commandLine().getOut();
        out.print(Confusion.text(p, classes));
        java.util.Map<String, java.awt.image.BufferedImage> pictures = new java.util.LinkedHashMap<>();
        pictures.put("confusion.png", Confusion.image(p, classes, model.name() + ": confusion matrix of "
                + test.count() + " images (accuracy " + String.format(java.util.Locale.ROOT, "%.4f", p.accuracy()) + ")"));
        int[] shape = model.inputShape();
        if (shape.length == 3) {
            java.awt.image.BufferedImage mistakes = Confusion.mistakes(p, test, shape, classes, 16);
            if (mistakes != null) {
                pictures.put("mistakes.png", mistakes);
            }
        }
        try {
            Pictures.writeAll(report, pictures);
            Pictures.writeText(report.resolve("confusion.csv"), Confusion.csv(p, classes));
        } catch (IOException e) {
            throw new Main.UserException(report + ": cannot be written (" + e.getMessage() + ")", Main.USAGE);
        }
        out.println("Wrote " + report.resolve("confusion.csv") + ", " + String.join(", ", pictures.keySet().stream()
                .map(n -> report.resolve(n).toString()).toList()));
        out.flush();
    }
}
