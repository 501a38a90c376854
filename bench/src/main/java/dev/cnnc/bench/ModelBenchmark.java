package dev.cnnc.bench;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.ImageDataset;
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
 * The whole generated MNIST model: one training step (a batch of 64, RMSprop, on {@code threads}
 * threads) and single-image {@code predict}, for the Vector API variant and the portable default.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ModelBenchmark {
    @Param({"vector", "portable"})
    public String variant;

    @Param({"2"})
    public int threads;

    Network model;
    Network single;
    Trainer trainer;
    Dataset batch;
    float[] image = new float[784];
    float[] result = new float[10];

    @Setup(Level.Trial)
    public void setUp() {
        model = variant.equals("vector") ? new dev.cnnc.bench.vector.MnistCnn(1, 1)
                : new dev.cnnc.bench.portable.MnistCnn(1, 1);
        single = model.replica(1);
        TrainingConfig config = model.trainingConfig().withEpochs(1);
        trainer = new Trainer(model, config, threads, 1, new PrintStream(new ByteArrayOutputStream()), false);
        Random r = new Random(1);
        batch = randomBatch(r, 64);
        for (int i = 0; i < image.length; i++) {
            image[i] = r.nextFloat();
        }
    }

    /** {@code n} random 28x28 grey images with random labels of 10 classes: one batch of MNIST's shape. */
    static Dataset randomBatch(Random r, int n) {
        byte[] pixels = new byte[n * 784];
        byte[] labels = new byte[n];
        r.nextBytes(pixels);
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) r.nextInt(10);
        }
        return ImageDataset.fromBytes("random", 28, 28, 10, pixels, labels);
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

    /** One image, one thread, no allocation. */
    @Benchmark
    public float[] predict() {
        single.predict(image, result);
        return result;
    }
}
