package dev.cnnc.cli;

import dev.cnnc.compiler.CnnCompiler;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    @Mixin
    ScriptOption script;

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

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Timed rounds of training and inference after the warm-up (default: ${DEFAULT-VALUE}); the median is printed, with the spread.")
    int rounds;

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

        if (rounds < 1 || rounds > 100) {
            throw new Main.UserException("--rounds must be between 1 and 100", Main.USAGE);
        }
        // Training: short warm-up epochs until the JIT is done, then timed epochs; inference: the test images,
        // split across threads in chunks, after a warm-up pass. Rounds alternate the two.
        Network model = factory.create(1, 1);
        double[] trainRates = new double[rounds];
        double[] inferRates = new double[rounds];
        double accuracy = 0;
        int warmUps;
        try (Trainer trainer = new Trainer(model, config, threadCount, 1, quiet, false)) {
            warmUps = warmUp(trainer, train.subset(Math.min(3200, train.count())), mnist.test());
            for (int r = 0; r < rounds; r++) {
                long start = System.nanoTime();
                trainer.fit(train, null, 0, new History(), null);
                trainRates[r] = train.count() / ((System.nanoTime() - start) / 1e9);
                start = System.nanoTime();
                accuracy = trainer.evaluate(mnist.test(), null).accuracy();
                inferRates[r] = mnist.test().count() / ((System.nanoTime() - start) / 1e9);
            }
        }
        Arrays.sort(trainRates);
        Arrays.sort(inferRates);
        double trainRate = trainRates[rounds / 2];
        double inferRate = inferRates[rounds / 2];

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

        // FLOPs: 2 per multiply-add; a training step is the forward pass and two products per weight
        // backward (kernel and input gradients), except the first layer's, which has no input gradient.
        long forward = factory.model().multiplyAdds();
        long first = factory.model().layers().get(0).multiplyAdds();
        double trainFlops = 6.0 * forward - 2.0 * first;
        double inferFlops = 2.0 * forward;
        double peakAll = Double.NaN;
        double peakOne = Double.NaN;
        if (CnnCompiler.vectorAvailable()) {
            peakAll = PeakProbe.best(threadCount, 5);
            peakOne = PeakProbe.best(1, 5);
        }
        double trainGflops = trainRate * trainFlops / 1e9;
        double inferGflops = inferRate * inferFlops / 1e9;
        double latencyGflops = inferFlops / (latencyUs * 1e3);
        // What the FMA units did: Winograd's convolutions multiply fewer times than the model's count says
        // (their forward passes and kernel gradients; a latency's single image takes the direct sums)
        long[] executed = useVector && CnnCompiler.vectorAvailable()
                ? CnnCompiler.vectorMultiplyAdds(factory.model(), (dev.cnnc.runtime.VectorSupport.VECTOR_BITS == 0
                        ? PeakProbe.vectorBits() : dev.cnnc.runtime.VectorSupport.VECTOR_BITS) / 32)
                : new long[] {forward, forward};
        double trainExecutedGflops = trainRate * (trainFlops - 2.0 * (forward - executed[0]) - 2.0 * (forward - executed[1])) / 1e9;
        double inferExecutedGflops = inferRate * 2.0 * executed[0] / 1e9;
        spec.commandLine().getOut().printf(Locale.ROOT,
                "{\"framework\": \"cnnc%s\", \"threads\": %d, \"rounds\": %d, \"train_images_per_s\": %.0f, "
                        + "\"train_images_per_s_min\": %.0f, \"train_images_per_s_max\": %.0f, "
                        + "\"infer_images_per_s\": %.0f, \"infer_images_per_s_min\": %.0f, \"infer_images_per_s_max\": %.0f, "
                        + "\"latency_us\": %.1f, \"train_gflops\": %.1f, \"infer_gflops\": %.1f, \"latency_gflops\": %.1f, "
                        + "\"peak_gflops\": %s, \"peak_gflops_1_thread\": %s, \"train_pct_of_peak\": %s, "
                        + "\"infer_pct_of_peak\": %s, \"latency_pct_of_1_thread_peak\": %s, "
                        + "\"train_executed_gflops\": %.1f, \"infer_executed_gflops\": %.1f, "
                        + "\"train_executed_pct_of_peak\": %s, \"infer_executed_pct_of_peak\": %s, \"cpu\": \"%s\", "
                        + "\"vector_bits\": %s, \"java\": \"%s\", \"peak_rss_mib\": %.0f, \"test_acc_after_bench\": %.4f, "
                        + "\"warm_up_epochs\": %d}%n",
                useVector ? "-vector" : "-portable", threadCount, rounds, trainRate, trainRates[0], trainRates[rounds - 1],
                inferRate, inferRates[0], inferRates[rounds - 1], latencyUs, trainGflops, inferGflops, latencyGflops,
                json(peakAll), json(peakOne), json(100 * trainGflops / peakAll), json(100 * inferGflops / peakAll),
                json(100 * latencyGflops / peakOne), trainExecutedGflops, inferExecutedGflops, json(100 * trainExecutedGflops / peakAll),
                json(100 * inferExecutedGflops / peakAll), cpuName().replace("\"", "'"),
                CnnCompiler.vectorAvailable() ? Integer.toString(PeakProbe.vectorBits()) : "null",
                System.getProperty("java.vm.vendor", "?").replace("\"", "'") + " " + Runtime.version(), peakRssMib(), accuracy, warmUps);
        spec.commandLine().getOut().flush();
        return Main.OK;
    }

    /** Warm-up epochs at most; the JIT is usually done after 2 or 3. */
    static final int MAX_WARM_UPS = 8;

    /** A warm-up epoch after which the JIT compiled for less than this is the last. */
    static final long QUIET_JIT_MILLIS = 20;

    /**
     * Warm-up epochs of {@code warm} (and an evaluation of {@code test}) until one in which the JIT
     * compiled for less than {@link #QUIET_JIT_MILLIS} ms, at most {@link #MAX_WARM_UPS}: on a machine of
     * two cores, a compiler thread still at work during the timed rounds takes a core from one of the
     * two trainer threads, and every step waits for the later one (one warm-up epoch of 3,200 images left
     * the C2 compiler 7 % of a core in the rounds after it, and a tenth of the two-thread steps a
     * chunk's time longer than the median). Returns the number of warm-up epochs.
     */
    private static int warmUp(Trainer trainer, Dataset warm, Dataset test) throws IOException {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
        for (int w = 1; ; w++) {
            long before = timed ? jit.getTotalCompilationTime() : 0;
            trainer.fit(warm, null, 0, new History(), null);
            trainer.evaluate(test, null);
            if (w == MAX_WARM_UPS || !timed || jit.getTotalCompilationTime() - before < QUIET_JIT_MILLIS) {
                return w;
            }
        }
    }

    /**
     * The CPU as {@link #describeCpu} gives it from /proc/cpuinfo, or the OS architecture where there is none.
     */
    static String cpuName() {
        try {
            return describeCpu(Files.readAllLines(Path.of("/proc/cpuinfo")), System.getProperty("os.arch"));
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch"); // not Linux
        }
    }

    /**
     * The first processor's model name, family and model (a virtual machine often names only "AMD EPYC", whose
     * family 25 model 1 is a Zen 3 with AVX2 and family 25 model 17 a Zen 4 with AVX-512) and its widest vector
     * instructions, e.g. {@code AMD EPYC (family 25, model 1; AVX2)}; {@code arch} in place of a name that is not given.
     */
    static String describeCpu(List<String> cpuinfo, String arch) {
        String name = null;
        String family = null;
        String model = null;
        String flags = null;
        for (String line : cpuinfo) {
            if (line.isBlank() && (name != null || flags != null)) {
                break; // the first processor only
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "model name" -> name = value;
                case "cpu family" -> family = value;
                case "model" -> model = value;
                case "flags", "Features" -> flags = " " + value + " ";
                default -> { }
            }
        }
        if (name == null && flags == null) {
            return arch;
        }
        List<String> details = new ArrayList<>();
        if (family != null && model != null) {
            details.add("family " + family + ", model " + model);
        }
        if (flags != null) {
            String isa = flags.contains(" avx512f ") ? "AVX-512"
                    : flags.contains(" avx2 ") ? "AVX2"
                    : flags.contains(" sve ") ? "SVE"
                    : flags.contains(" asimd ") ? "NEON"
                    : flags.contains(" avx ") ? "AVX" : null;
            if (isa != null) {
                details.add(isa);
            }
        }
        String what = name == null ? arch : name; // AArch64 kernels give no model name
        return details.isEmpty() ? what : what + " (" + String.join("; ", details) + ")";
    }

    /** A number for JSON: {@code null} when it is not known. */
    private static String json(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "null";
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
