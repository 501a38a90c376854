package dev.cnnc.examples.mnist;

import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.DataUnavailableException;
import dev.cnnc.runtime.data.mnist.Mnist;
import dev.cnnc.runtime.train.TrainingSession;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Trains {@link MnistCnn} (generated from {@code examples/mnist/MnistCnn.cnn} by the Maven plugin)
 * on MNIST with the file's {@code compile}/{@code fit} settings, saves the weights and evaluates it
 * on the 10,000 test images: what {@code cnnc train} does (the same {@link TrainingSession}), in a
 * project of your own.
 *
 * <pre>
 * TrainMnist [--data DIR] [--epochs N] [--save FILE]
 * </pre>
 *
 * MNIST is found as {@code cnnc train} finds it: {@code --data DIR}, else {@code $CNNC_DATA}, else
 * {@code ~/.cnnc/datasets/mnist}, else fetched with npm.
 */
public final class TrainMnist {
    private TrainMnist() {}

    public static void main(String[] args) throws IOException {
        Path data = null;
        Integer epochs = null;
        Path save = Path.of(System.getProperty("cnnc.weights", "MnistCnn.cnnw"));
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                System.out.println("usage: TrainMnist [--data DIR] [--epochs N] [--save FILE]");
                return;
            }
            if (i + 1 == args.length) {
                usage(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--data" -> data = Path.of(value);
                case "--save" -> save = Path.of(value);
                case "--epochs" -> epochs = positive(option, value);
                default -> usage("unknown option " + option);
            }
        }

        long seed = 1;
        TrainingConfig config = new MnistCnn(1, seed).trainingConfig(); // compile(...) and fit(...) of MnistCnn.cnn
        if (epochs != null) {
            config = config.withEpochs(epochs);
        }
        Mnist.Data mnist;
        try {
            mnist = Mnist.load(data, System.err);
        } catch (DataUnavailableException e) {
            System.err.println("TrainMnist: " + e.getMessage());
            System.exit(1);
            return;
        }

        MnistCnn model = new MnistCnn(1, seed); // holds the parameters; the trainer runs replicas of it
        try (TrainingSession session = TrainingSession.builder(model, config).seed(seed).out(System.out)
                .terminal(System.console() != null).save(save.toAbsolutePath()).build()) {
            session.train(mnist.train(), mnist.test());
        }
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        usage(option + " must be a positive integer, found '" + value + "'");
        return 0;
    }

    private static void usage(String problem) {
        System.err.println("TrainMnist: " + problem);
        System.err.println("usage: TrainMnist [--data DIR] [--epochs N] [--save FILE]");
        System.exit(2);
    }
}
