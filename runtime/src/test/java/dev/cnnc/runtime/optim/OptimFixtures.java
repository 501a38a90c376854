package dev.cnnc.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.Parameter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** Shared data and assertions for the optimizer tests. */
final class OptimFixtures {
    /** The parameter every hand-computed test starts from. */
    static final float[] START = {0.5f, -1.0f, 2.0f};

    /** The gradients of steps 1, 2 and 3. */
    static final float[][] GRADIENTS = {{0.1f, -0.2f, 0.3f}, {-0.4f, 0.5f, 0.0f}, {0.2f, 0.2f, 0.2f}};

    private OptimFixtures() {}

    static Parameter parameter(String name, float... values) {
        return new Parameter(name, new int[] {values.length}, values.clone(), new float[values.length]);
    }

    static Parameter start() {
        return parameter("dense_1/kernel", START);
    }

    /** Sets the gradient and makes one update. */
    static void step(Optimizer optimizer, Parameter parameter, float[] gradient) {
        System.arraycopy(gradient, 0, parameter.gradients(), 0, gradient.length);
        optimizer.update();
    }

    /**
     * Asserts float results against values computed in double: within 1e-6 relative (a few float roundings),
     * far below the size of any step the tests make.
     */
    static void assertFloats(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tolerance = 1e-6 * Math.abs(expected[i]) + 1e-12;
            assertEquals(expected[i], actual[i], tolerance, what + "[" + i + "]");
        }
    }

    /** Bytes allocated by the current thread while running {@code action}, or -1 if the JVM cannot tell. */
    static long allocatedBytes(Runnable action) {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean sun) || !sun.isThreadAllocatedMemorySupported()) {
            return -1;
        }
        sun.setThreadAllocatedMemoryEnabled(true);
        long before = sun.getCurrentThreadAllocatedBytes();
        action.run();
        return sun.getCurrentThreadAllocatedBytes() - before;
    }

    static void assertAllocatesNothing(Runnable oneCall) {
        for (int i = 0; i < 20_000; i++) {
            oneCall.run(); // warm up, so that the JIT-compiled code is measured too
        }
        long bytes = allocatedBytes(() -> {
            for (int i = 0; i < 100_000; i++) {
                oneCall.run();
            }
        });
        // One allocation per call would be at least 1.6 MB; allow a little for the measurement itself.
        assertTrue(bytes < 10_000, "allocated " + bytes + " bytes in 100,000 calls");
    }
}
