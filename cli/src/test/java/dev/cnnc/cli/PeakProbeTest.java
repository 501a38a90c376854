package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The peak probe computes the multiply-adds it counts, on the machine's preferred vectors. */
class PeakProbeTest {
    @Test
    void theLoopComputesEveryFusedMultiplyAddItCounts() {
        // x <- a x + b for n steps, from x0 = 0.1 .. 1.0 on every lane (a, b the float constants of the loop):
        // x_n = a^n (x0 - f) + f with the fixed point f = b / (1 - a)
        long n = 100_000;
        double a = 0.999999f;
        double b = 1e-6f;
        double f = b / (1 - a);
        double an = Math.pow(a, n);
        double expected = 0;
        for (int k = 1; k <= 10; k++) {
            expected += an * ((float) (0.1 * k) - f) + f;
        }
        expected *= PeakProbe.vectorBits() / 32;
        assertEquals(expected, PeakProbe.fmaLoop(n), expected * 1e-3);
    }

    @Test
    void theVectorWidthIsOneOfTheKnownShapes() {
        assertTrue(List.of(128, 256, 512).contains(PeakProbe.vectorBits()), "" + PeakProbe.vectorBits());
    }
}
