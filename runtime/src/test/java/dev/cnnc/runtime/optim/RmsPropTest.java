package dev.cnnc.runtime.optim;

import static dev.cnnc.runtime.optim.OptimFixtures.GRADIENTS;
import static dev.cnnc.runtime.optim.OptimFixtures.assertFloats;
import static dev.cnnc.runtime.optim.OptimFixtures.start;
import static dev.cnnc.runtime.optim.OptimFixtures.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cnnc.runtime.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RMSprop against values computed by hand: {@code a = rho a + (1 - rho) g^2; p -= lr_t g / (sqrt(a) + eps)}.
 * A large epsilon (0.01) makes adding it inside the square root visibly wrong.
 */
class RmsPropTest {

    @Test
    void threeSteps() {
        Parameter p = start();
        RmsProp rms = new RmsProp(List.of(p), 0.01, 0.9, 0.01, 0.0);

        step(rms, p, GRADIENTS[0]);
        // a = 0.1 * (0.01, 0.04, 0.09) = (0.001, 0.004, 0.009)
        // p = 0.5 - 0.001 / (sqrt(0.001) + 0.01), -1 + 0.002 / (sqrt(0.004) + 0.01), 2 - 0.003 / (sqrt(0.009) + 0.01)
        assertFloats(new double[] {0.001, 0.004, 0.009}, rms.slots().get(0), "a1");
        assertFloats(new double[] {0.4759746926647958, -0.9726945881008371, 1.971392697818522}, p.values(), "p1");

        step(rms, p, GRADIENTS[1]);
        // a = 0.9 * a1 + 0.1 * (0.16, 0.25, 0) = (0.0169, 0.0286, 0.0081)
        // p = p1 - 0.01 * (-0.4, 0.5, 0) / (sqrt(a) + 0.01)
        assertFloats(new double[] {0.0169, 0.0286, 0.0081}, rms.slots().get(0), "a2");
        assertFloats(new double[] {0.5045461212362243, -1.0006095609522192, 1.971392697818522}, p.values(), "p2");

        step(rms, p, GRADIENTS[2]);
        // a = 0.9 * a2 + 0.1 * 0.04 = (0.01921, 0.02974, 0.01129); p = p2 - 0.002 / (sqrt(a) + 0.01)
        assertFloats(new double[] {0.01921, 0.02974, 0.01129}, rms.slots().get(0), "a3");
        assertFloats(new double[] {0.4910871841038257, -1.0115712945634472, 1.9541890496195737}, p.values(), "p3");
        assertEquals(3, rms.iterations());
    }

    @Test
    void decay() {
        Parameter p = start();
        RmsProp rms = new RmsProp(List.of(p), 0.01, 0.9, 1e-7, 0.25);

        step(rms, p, GRADIENTS[0]);
        // lr_t = 0.01; p = 0.5 - 0.001 / (sqrt(0.001) + 1e-7), ...
        assertFloats(new double[] {0.468377323398, -0.9683772733982372, 1.9683772567316145}, p.values(), "p1");
        step(rms, p, GRADIENTS[1]);
        // lr_t = 0.01 / (1 + 0.25 * 1) = 0.008; p = p1 - 0.008 * g / (sqrt(a2) + 1e-7)
        assertFloats(new double[] {0.4929926890784879, -0.9920297552517948, 1.9683772567316145}, p.values(), "p2");
        step(rms, p, GRADIENTS[2]);
        // lr_t = 0.01 / (1 + 0.25 * 2) = 0.00666...
        assertFloats(new double[] {0.4833726964149348, -0.9997613307782892, 1.955828769967728}, p.values(), "p3");
    }

    @Test
    void refusesRhoOutsideZeroOne() {
        List<Parameter> ps = List.of(start());
        assertThrows(IllegalArgumentException.class, () -> new RmsProp(ps, 0.01, 1.5, 1e-7, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new RmsProp(ps, 0.01, -0.1, 1e-7, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new RmsProp(ps, 0.01, 0.9, -1e-7, 0.0));
    }
}
