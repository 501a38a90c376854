package dev.cnnc.cli;

import dev.cnnc.compiler.load.NetworkFactory;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.mnist.Mnist;
import dev.cnnc.runtime.optim.LossKind;
import dev.cnnc.runtime.optim.OptimizerKind;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bench",
        description = {"Measures a model on MNIST: training images/s (one epoch), inference images/s (the 10,000",
                "test images, split across threads), single-image predict latency (one thread) and peak memory.",
                "Prints one JSON line; bench/compare-pytorch.sh puts it beside PyTorch's."},
        mixinStandardHelpOptions = true)
final class BenchCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The .cnn file.")
    Path file;

    @Mixin
    DataOption data;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--train-images", paramLabel = "N", defaultValue = "60000",
            description = "Images of the timed training epoch (default: ${DEFAULT-VALUE}).")
    int trainImages;

    @Mixin
    VectorOption vector;

    @Override
    public Integer call() throws IOException {
        boolean useVector = vector.use(spec.commandLine().getErr());
        NetworkFactory factory = Models.load(file, spec.commandLine().getErr(), useVector);
        if (factory == null) {
            return Main.MODEL_ERRORS;
        }
        int threadCount = threads.count();
        Network probe = factory.create(1, 1);
        DataOption.Data mnist = data.load(probe, spec.commandLine().getErr());
        if (mnist.test() == null) {
            throw new Main.UserException("bench needs test data: give --test-data, or data with a test part", Main.USAGE);
        }
        TrainingConfig config = probe.trainingConfig().isCompiled() ? probe.trainingConfig()
                : TrainingConfig.defaults(OptimizerKind.RMSPROP, LossKind.CATEGORICAL_CROSSENTROPY).withBatchSize(64);
        config = config.withEpochs(1);
        Dataset train = mnist.train().subset(Math.min(trainImages, mnist.train().count()));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

        // Training: a short warm-up epoch for the JIT, then one timed epoch.
        Network model = factory.create(1, 1);
        double trainRate;
        double inferRate;
        double accuracy;
        try (Trainer trainer = new Trainer(model, config, threadCount, 1, quiet, false)) {
            trainer.fit(train.subset(Math.min(3200, train.count())), null, 0, new History(), null);
            long start = System.nanoTime();
            trainer.fit(train, null, 0, new History(), null);
            trainRate = train.count() / ((System.nanoTime() - start) / 1e9);

            // Inference: the 10,000 test images, split across threads in chunks.
            trainer.evaluate(mnist.test(), null);
            start = System.nanoTime();
            accuracy = trainer.evaluate(mnist.test(), null).accuracy();
            inferRate = mnist.test().count() / ((System.nanoTime() - start) / 1e9);
        }

        // Latency: one image, one thread, no allocation per call.
        Network single = model.replica(1);
        float[] image = new float[single.inputSize()];
        float[] result = new float[single.outputSize()];
        Dataset test = mnist.test();
        long[] times = new long[2000];
        int[] index = new int[1];
        for (int r = 0; r < times.length + 2000; r++) {
            index[0] = r % test.count();
            test.copyInputs(index, 0, 1, image);
            long start = System.nanoTime();
            single.predict(image, result);
            long t = System.nanoTime() - start;
            if (r >= 2000) {
                times[r - 2000] = t;
            }
        }
        Arrays.sort(times);
        double latencyUs = times[times.length / 2] / 1e3;

        spec.commandLine().getOut().printf(Locale.ROOT,
                "{\"framework\": \"cnnc%s\", \"threads\": %d, \"train_images_per_s\": %.0f, \"infer_images_per_s\": %.0f, "
                        + "\"latency_us\": %.1f, \"peak_rss_mib\": %.0f, \"test_acc_after_bench\": %.4f}%n",
                useVector ? "-vector" : "-portable", threadCount, trainRate, inferRate, latencyUs, peakRssMib(), accuracy);
        spec.commandLine().getOut().flush();
        return Main.OK;
    }

    /** The process's peak resident memory ({@code VmHWM}), or -1 where /proc is not there. */
    static double peakRssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
