package dev.cnnc.cli;

import dev.cnnc.compiler.load.NetworkFactory;
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
import picocli.CommandLine.Parameters;
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

    @Parameters(paramLabel = "FILE", description = "The .cnn file the weights were trained for.")
    Path file;

    @Option(names = "--weights", required = true, paramLabel = "W", description = "A weights file saved by cnnc train.")
    Path weights;

    @Mixin
    DataOption data;

    @Mixin
    ThreadsOption threads;

    @Mixin
    VectorOption vector;

    @Override
    public Integer call() {
        NetworkFactory factory = Models.load(file, spec.commandLine().getErr(), vector.use(spec.commandLine().getErr()));
        if (factory == null) {
            return Main.MODEL_ERRORS;
        }
        Network model = factory.create(1, 0);
        TrainingConfig config = model.trainingConfig();
        if (!config.isCompiled()) { // the loss to report: Keras' usual one for a classifier
            config = TrainingConfig.defaults(OptimizerKind.RMSPROP, LossKind.CATEGORICAL_CROSSENTROPY);
        }
        config = config.withBatchSize(64);
        Weights.load(weights, model);
        DataOption.Data loaded = data.load(model, spec.commandLine().getErr());
        Dataset test = loaded.test() != null ? loaded.test() : loaded.train();
        try (TrainingSession session = TrainingSession.builder(model, config).threads(threads.count()).seed(0)
                .out(PrintStreams.of(spec.commandLine().getOut())).terminal(System.console() != null).build()) {
            session.evaluate(test);
        } catch (DataMismatchException e) {
            throw new Main.UserException(e.getMessage(), e.modelSide() ? Main.MODEL_ERRORS : Main.USAGE);
        }
        return Main.OK;
    }
}
