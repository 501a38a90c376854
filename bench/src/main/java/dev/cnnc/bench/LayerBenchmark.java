package dev.cnnc.bench;

import dev.cnnc.bench.vector.mnistcnn.Conv2d1;
import dev.cnnc.bench.vector.mnistcnn.Conv2d2;
import dev.cnnc.bench.vector.mnistcnn.Conv2d3;
import dev.cnnc.bench.vector.mnistcnn.Dense1;
import dev.cnnc.bench.vector.mnistcnn.Dense2;
import dev.cnnc.bench.vector.mnistcnn.MaxPooling2d1;
import dev.cnnc.bench.vector.mnistcnn.MaxPooling2d2;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Every layer of the generated MNIST model (Vector API variant), forward and backward, on one chunk
 * of 16 examples: the unit of work a training thread takes. Times are per chunk; bench/README.md
 * turns them into GFLOP/s with each layer's multiply-adds (2 FLOP each; backward does 2 products
 * per weight: dKernel and dIn).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class LayerBenchmark {
    static final int N = 16;

    float[] input = random(N * 784, 1);
    float[] a1 = new float[N * Conv2d1.OUT_SIZE];
    float[] a2 = new float[N * MaxPooling2d1.OUT_SIZE];
    float[] a3 = new float[N * Conv2d2.OUT_SIZE];
    float[] a4 = new float[N * MaxPooling2d2.OUT_SIZE];
    float[] a5 = new float[N * Conv2d3.OUT_SIZE];
    float[] a7 = new float[N * Dense1.OUT_SIZE];
    float[] a8 = new float[N * Dense2.OUT_SIZE];
    float[] d1 = random(a1.length, 2);
    float[] d2 = random(a2.length, 3);
    float[] d3 = random(a3.length, 4);
    float[] d4 = random(a4.length, 5);
    float[] d5 = random(a5.length, 6);
    float[] d7 = random(a7.length, 7);
    float[] k1 = random(288, 8);
    float[] b1 = new float[32];
    float[] k2 = random(18432, 9);
    float[] b2 = new float[64];
    float[] k3 = random(36864, 10);
    float[] b3 = new float[64];
    float[] k4 = random(36864, 11);
    float[] b4 = new float[64];
    float[] g1 = new float[288];
    float[] gb1 = new float[32];
    float[] g2 = new float[18432];
    float[] gb2 = new float[64];
    float[] g3 = new float[36864];
    float[] gb3 = new float[64];
    float[] g4 = new float[36864];
    float[] gb4 = new float[64];
    float[] s2 = new float[Conv2d2.SCRATCH_FLOATS];
    float[] s3 = new float[Conv2d3.SCRATCH_FLOATS];
    float[] s4 = new float[576 * 64];

    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian() * 0.5f;
        }
        return x;
    }

    @Setup
    public void forwardOnce() {
        Conv2d1.forward(input, a1, k1, b1, N);
        MaxPooling2d1.forward(a1, a2, N);
        Conv2d2.forward(a2, a3, k2, b2, s2, N);
        MaxPooling2d2.forward(a3, a4, N);
        Conv2d3.forward(a4, a5, k3, b3, N);
    }

    @Benchmark
    public float[] conv2d1Forward() {
        Conv2d1.forward(input, a1, k1, b1, N);
        return a1;
    }

    @Benchmark
    public float[] conv2d1Backward() {
        Conv2d1.backward(input, d1, k1, g1, gb1, N);
        return g1;
    }

    @Benchmark
    public float[] maxPooling2d1Forward() {
        MaxPooling2d1.forward(a1, a2, N);
        return a2;
    }

    @Benchmark
    public float[] maxPooling2d1Backward() {
        MaxPooling2d1.backward(a1, a2, d2, d1, N);
        return d1;
    }

    /** As the model runs it: Winograd's F(2x2, 3x3) with the layer's scratch (unless -Dcnnc.winograd=false). */
    @Benchmark
    public float[] conv2d2Forward() {
        Conv2d2.forward(a2, a3, k2, b2, s2, N);
        return a3;
    }

    /** The direct sums, which the model runs for calls of fewer than Conv2d2.MIN_TILES tiles (one image). */
    @Benchmark
    public float[] conv2d2ForwardDirect() {
        Conv2d2.forward(a2, a3, k2, b2, N);
        return a3;
    }

    @Benchmark
    public float[] conv2d2Backward() {
        Conv2d2.backward(a2, d3, d2, k2, g2, gb2, s2, N);
        return g2;
    }

    @Benchmark
    public float[] maxPooling2d2Forward() {
        MaxPooling2d2.forward(a3, a4, N);
        return a4;
    }

    @Benchmark
    public float[] conv2d3Forward() {
        Conv2d3.forward(a4, a5, k3, b3, N);
        return a5;
    }

    @Benchmark
    public float[] conv2d3Backward() {
        Conv2d3.backward(a4, d5, d4, k3, g3, gb3, s3, N);
        return g3;
    }

    @Benchmark
    public float[] dense1Forward() {
        Dense1.forward(a5, a7, k4, b4, N);
        return a7;
    }

    @Benchmark
    public float[] dense1Backward() {
        Dense1.backward(a5, d7, d5, k4, g4, gb4, s4, N);
        return g4;
    }
}
