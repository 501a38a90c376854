package dev.cnnc.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's measured peak, for {@code cnnc bench}'s "% of peak": what the JIT can reach on this machine: a Vector API loop of fused multiply-adds on the preferred
 * species with 10 independent accumulators (more than an FMA's latency times its throughput on
 * current x86 and ARM cores, and few enough for AVX2's 16 registers), on 1 thread and on every core.
 * "% of peak" figures divide by these. Loaded only where the JVM has {@code jdk.incubator.vector}. Run
 * alone it prints one JSON line:
 *
 * <pre>java --add-modules jdk.incubator.vector -cp cli/target/cnnc.jar dev.cnnc.cli.PeakProbe [ROUNDS]</pre>
 */
public final class PeakProbe {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int ACCUMULATORS = 10;
    private static final long ITERATIONS = 40_000_000L;

    private PeakProbe() {}

    /** 2 * lanes * accumulators * iterations floating-point operations; returns a value to keep them alive. */
    static float fmaLoop(long iterations) {
        FloatVector a = FloatVector.broadcast(S, 0.999999f);
        FloatVector b = FloatVector.broadcast(S, 1e-6f);
        FloatVector x0 = FloatVector.broadcast(S, 0.1f);
        FloatVector x1 = FloatVector.broadcast(S, 0.2f);
        FloatVector x2 = FloatVector.broadcast(S, 0.3f);
        FloatVector x3 = FloatVector.broadcast(S, 0.4f);
        FloatVector x4 = FloatVector.broadcast(S, 0.5f);
        FloatVector x5 = FloatVector.broadcast(S, 0.6f);
        FloatVector x6 = FloatVector.broadcast(S, 0.7f);
        FloatVector x7 = FloatVector.broadcast(S, 0.8f);
        FloatVector x8 = FloatVector.broadcast(S, 0.9f);
        FloatVector x9 = FloatVector.broadcast(S, 1.0f);
        for (long i = 0; i < iterations; i++) {
            x0 = x0.fma(a, b);
            x1 = x1.fma(a, b);
            x2 = x2.fma(a, b);
            x3 = x3.fma(a, b);
            x4 = x4.fma(a, b);
            x5 = x5.fma(a, b);
            x6 = x6.fma(a, b);
            x7 = x7.fma(a, b);
            x8 = x8.fma(a, b);
            x9 = x9.fma(a, b);
        }
        return x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7).add(x8).add(x9).reduceLanes(
                jdk.incubator.vector.VectorOperators.ADD);
    }

    /** GFLOP/s of {@code threads} threads running the loop at once. */
    static double gflops(int threads) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        CyclicBarrier end = new CyclicBarrier(threads + 1);
        float[] sink = new float[threads];
        List<Thread> list = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int k = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    sink[k] = fmaLoop(ITERATIONS);
                    end.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            thread.start();
            list.add(thread);
        }
        start.await();
        long t0 = System.nanoTime();
        end.await();
        long nanos = System.nanoTime() - t0;
        for (Thread t : list) {
            t.join();
        }
        if (sink[0] == -1) {
            System.out.println(sink[0]);
        }
        return 2.0 * S.length() * ACCUMULATORS * ITERATIONS * threads / nanos;
    }

    /**
     * Compiles the loop with C2 before it is timed: many short calls, so that the method itself is
     * compiled (one long call compiles only an on-stack-replacement version, and a thread that enters
     * the method before C2 is done runs it interpreted, allocating every vector: one bench run measured
     * a "peak" of 5 GFLOP/s that way), then one long call.
     */
    static void warmUp() {
        for (int w = 0; w < 20_000; w++) {
            fmaLoop(1_000);
        }
        fmaLoop(ITERATIONS / 4);
    }

    /**
     * The best GFLOP/s of {@code rounds} runs on {@code threads} threads, after a warm-up: the machine's peak is
     * what the loop reaches when nothing else takes its cores, and a round is short (a tenth of a second), so a
     * neighbour's burst lowers a round and nothing raises one. (The median of three let one disturbed round
     * report inference at 153 % of "peak" on a shared machine.)
     */
    static double best(int threads, int rounds) {
        try {
            warmUp();
            double best = 0;
            for (int r = 0; r < rounds; r++) {
                best = Math.max(best, gflops(threads));
            }
            return best;
        } catch (Exception e) {
            throw new IllegalStateException("the peak probe failed", e);
        }
    }

    /** The preferred species' width: 256 on AVX2, 512 on AVX-512, 128 on NEON. */
    static int vectorBits() {
        return S.vectorBitSize();
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int cores = Runtime.getRuntime().availableProcessors();
        warmUp();
        double[] one = new double[rounds];
        double[] all = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            one[r] = gflops(1);
            all[r] = gflops(cores);
        }
        Arrays.sort(one);
        Arrays.sort(all);
        System.out.printf(Locale.ROOT, "{\"probe\": \"fma\", \"cpu\": \"%s\", \"vector_bits\": %d, \"cores\": %d, "
                        + "\"peak_gflops_1\": %.1f, \"peak_gflops_1_min\": %.1f, \"peak_gflops_1_max\": %.1f, "
                        + "\"peak_gflops_all\": %.1f, \"peak_gflops_all_min\": %.1f, \"peak_gflops_all_max\": %.1f}%n",
                BenchCommand.cpuName().replace("\"", "'"), S.vectorBitSize(), cores, one[rounds / 2], one[0], one[rounds - 1],
                all[rounds / 2], all[0], all[rounds - 1]);
    }
}
