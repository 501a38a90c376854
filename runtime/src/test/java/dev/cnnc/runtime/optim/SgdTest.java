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

/** SGD against values computed by hand from p = (0.5, -1, 2) and the gradients of {@link OptimFixtures}. */
class SgdTest {

    @Test
    void withoutMomentumStepsAlongTheGradient() {
        Parameter p = start();
        Sgd sgd = new Sgd(List.of(p), 0.1, 0.0, false, 0.0);

        step(sgd, p, GRADIENTS[0]);
        // p - 0.1 * (0.1, -0.2, 0.3)
        assertFloats(new double[] {0.49, -0.98, 1.97}, p.values(), "p1");
        step(sgd, p, GRADIENTS[1]);
        // (0.49, -0.98, 1.97) - 0.1 * (-0.4, 0.5, 0)
        assertFloats(new double[] {0.53, -1.03, 1.97}, p.values(), "p2");
        assertEquals(2, sgd.iterations());
    }

    @Test
    void momentumAccumulatesVelocity() {
        Parameter p = start();
        Sgd sgd = new Sgd(List.of(p), 0.1, 0.9, false, 0.0);

        step(sgd, p, GRADIENTS[0]);
        // v = 0.9 * 0 - 0.1 * (0.1, -0.2, 0.3) = (-0.01, 0.02, -0.03); p + v
        assertFloats(new double[] {-0.01, 0.02, -0.03}, sgd.slots().get(0), "v1");
        assertFloats(new double[] {0.49, -0.98, 1.97}, p.values(), "p1");
        step(sgd, p, GRADIENTS[1]);
        // v = 0.9 * (-0.01, 0.02, -0.03) - 0.1 * (-0.4, 0.5, 0) = (0.031, -0.032, -0.027)
        assertFloats(new double[] {0.031, -0.032, -0.027}, sgd.slots().get(0), "v2");
        assertFloats(new double[] {0.521, -1.012, 1.943}, p.values(), "p2");
        step(sgd, p, GRADIENTS[2]);
        // v = 0.9 * (0.031, -0.032, -0.027) - 0.1 * 0.2 = (0.0079, -0.0488, -0.0443)
        assertFloats(new double[] {0.0079, -0.0488, -0.0443}, sgd.slots().get(0), "v3");
        assertFloats(new double[] {0.5289, -1.0608, 1.8987}, p.values(), "p3");
    }

    @Test
    void nesterovLooksAhead() {
        Parameter p = start();
        Sgd sgd = new Sgd(List.of(p), 0.1, 0.9, true, 0.0);

        step(sgd, p, GRADIENTS[0]);
        // v = (-0.01, 0.02, -0.03); p + 0.9 v - 0.1 g = 0.5 - 0.009 - 0.01, -1 + 0.018 + 0.02, 2 - 0.027 - 0.03
        assertFloats(new double[] {0.481, -0.962, 1.943}, p.values(), "p1");
        step(sgd, p, GRADIENTS[1]);
        // v = (0.031, -0.032, -0.027); 0.481 + 0.0279 + 0.04, -0.962 - 0.0288 - 0.05, 1.943 - 0.0243 - 0
        assertFloats(new double[] {0.5489, -1.0408, 1.9187}, p.values(), "p2");
        assertFloats(new double[] {0.031, -0.032, -0.027}, sgd.slots().get(0), "v2");
    }

    @Test
    void decayShrinksTheLearningRateByIterationsBeforeTheStep() {
        Parameter p = start();
        Sgd sgd = new Sgd(List.of(p), 0.1, 0.0, false, 0.5);
        assertEquals(0.1, sgd.currentLearningRate(), 0);

        step(sgd, p, GRADIENTS[0]);
        // lr_t = 0.1 / (1 + 0.5 * 0) = 0.1
        assertFloats(new double[] {0.49, -0.98, 1.97}, p.values(), "p1");
        assertEquals(0.1 / 1.5, sgd.currentLearningRate(), 1e-17);
        step(sgd, p, GRADIENTS[1]);
        // lr_t = 0.1 / 1.5; 0.49 + 0.4 / 15, -0.98 - 0.5 / 15, 1.97
        assertFloats(new double[] {0.5166666666666667, -1.0133333333333334, 1.97}, p.values(), "p2");
        step(sgd, p, GRADIENTS[2]);
        // lr_t = 0.1 / 2 = 0.05; p2 - 0.05 * 0.2
        assertFloats(new double[] {0.5066666666666667, -1.0233333333333334, 1.96}, p.values(), "p3");
    }

    @Test
    void theVelocitySlotExistsWithoutMomentum() {
        Parameter p = start();
        Sgd sgd = new Sgd(List.of(p), 0.1, 0.0, false, 0.0);
        step(sgd, p, GRADIENTS[0]);

        assertEquals(List.of("m/dense_1/kernel"), sgd.slotNames());
        // v = 0 * m - 0.1 g
        assertFloats(new double[] {-0.01, 0.02, -0.03}, sgd.slots().get(0), "v");
    }

    @Test
    void updatesEveryParameter() {
        Parameter a = start();
        Parameter b = OptimFixtures.parameter("dense_1/bias", 1f, 2f);
        Sgd sgd = new Sgd(List.of(a, b), 0.5, 0.0, false, 0.0);
        b.gradients()[0] = 1f;
        b.gradients()[1] = -2f;

        step(sgd, a, GRADIENTS[0]);

        // a - 0.5 * (0.1, -0.2, 0.3); b - 0.5 * (1, -2)
        assertFloats(new double[] {0.45, -0.9, 1.85}, a.values(), "a");
        assertFloats(new double[] {0.5, 3.0}, b.values(), "b");
        assertEquals(List.of("m/dense_1/kernel", "m/dense_1/bias"), sgd.slotNames());
    }

    @Test
    void refusesNegativeHyperParameters() {
        List<Parameter> ps = List.of(start());
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, -0.1, 0.0, false, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0.1, -0.5, false, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0.1, 0.0, false, -1.0));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, Double.NaN, 0.0, false, 0.0));
    }
}
