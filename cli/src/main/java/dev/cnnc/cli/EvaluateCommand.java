package dev.cnnc.cli;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Mnist;
import dev.cnnc.runtime.optim.LossKind;
import dev.cnnc.runtime.optim.OptimizerKind;
import dev.cnnc.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "evaluate",
        description = "Evaluates saved weights on the 10,000 MNIST test images: prints test_loss and test_acc.",
        mixinStandardHelpOptions = true)
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The .cnn file the weights were trained for.")
    Path file;

    @Option(names = "--weights", required = true, paramLabel = "W", description = "A weights file saved by cnnc train.")
    Path weights;

    @Option(names = "--data", paramLabel = "DIR", description = "A directory holding the four MNIST IDX files.")
    Path data;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: available processors).")
    Integer threads;

    @Option(names = "--vector", description = {"Use the Vector API variant of the generated code (much faster; needs",
            "--add-modules jdk.incubator.vector, which ./cnnc adds)."})
    boolean vector;

    @Override
    public Integer call() throws IOException {
        Models.Factory factory = Models.load(file, spec.commandLine().getErr(), vector);
        if (factory == null) {
            return Main.MODEL_ERRORS;
        }
        Network model = factory.create(1, 0);
        TrainingConfig config = model.trainingConfig();
        if (!config.isCompiled()) {
            config = TrainingConfig.defaults(OptimizerKind.RMSPROP, LossKind.CATEGORICAL_CROSSENTROPY);
        }
        config = config.withBatchSize(64);
        Weights.load(weights, model);
        Mnist.Data mnist = MnistData.load(data, model);
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        try (Trainer trainer = new Trainer(model, config, threadCount, 0, System.out, System.console() != null)) {
            Trainer.Evaluation test = trainer.evaluate(mnist.test(), System.out);
            System.out.printf(Locale.ROOT, "test_loss: %.4f%ntest_acc: %.4f%n", test.loss(), test.accuracy());
        }
        return Main.OK;
    }
}
