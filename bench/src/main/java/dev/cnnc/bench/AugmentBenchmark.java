package dev.cnnc.bench;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Augmentation;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What augment(...) costs: one training step of the generated MNIST model (a batch of 64, RMSprop,
 * on {@code threads} threads) without augmentation, with the usual MNIST augmentation (rotation,
 * shifts, zoom) and with every transformation at once. The ratio of the steps' times is the
 * slowdown; the bound is 15 %.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class AugmentBenchmark {
    @Param({"vector", "portable"})
    public String variant;

    @Param({"none", "mnist", "all"})
    public String augment;

    @Param({"2"})
    public int threads;

    Trainer trainer;
    Dataset batch;

    static Augmentation augmentation(String name) {
        return switch (name) {
            case "none" -> null;
            case "mnist" -> Augmentation.builder().rotationRange(10).widthShiftRange(0.1).heightShiftRange(0.1)
                    .zoomRange(0.1).build();
            case "all" -> Augmentation.builder().rotationRange(20).widthShiftRange(0.1).heightShiftRange(0.1)
                    .shearRange(10).zoomRange(0.2).channelShiftRange(0.1).horizontalFlip(true).verticalFlip(true)
                    .fillMode(Augmentation.FillMode.REFLECT).build();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @Setup(Level.Trial)
    public void setUp() {
        Network model = variant.equals("vector") ? new dev.cnnc.bench.vector.MnistCnn(1, 1)
                : new dev.cnnc.bench.portable.MnistCnn(1, 1);
        TrainingConfig config = model.trainingConfig().toBuilder().epochs(1).augmentation(augmentation(augment)).build();
        trainer = new Trainer(model, config, threads, 1, new PrintStream(new ByteArrayOutputStream()), false);
        batch = ModelBenchmark.randomBatch(new Random(1), 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        trainer.close();
    }

    /** One optimizer step on a batch of 64 images. */
    @Benchmark
    public History trainingStep() throws IOException {
        return trainer.fit(batch, null, 0, new History(), null);
    }
}
