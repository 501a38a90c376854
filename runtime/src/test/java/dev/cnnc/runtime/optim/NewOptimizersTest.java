package dev.cnnc.runtime.optim;

import static dev.cnnc.runtime.optim.OptimFixtures.GRADIENTS;
import static dev.cnnc.runtime.optim.OptimFixtures.assertFloats;
import static dev.cnnc.runtime.optim.OptimFixtures.start;
import static dev.cnnc.runtime.optim.OptimFixtures.step;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cnnc.runtime.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Adadelta, Adamax and Nadam against values computed by hand in double from Keras 2.2.4's formulas
 * ({@code keras/optimizers.py}), and gradient clipping ({@code Optimizer.get_gradients}).
 */
class NewOptimizersTest {

    @Test
    void adadeltaThreeSteps() {
        // a = rho a + (1 - rho) g^2; u = g sqrt(d + eps) / sqrt(a + eps); p -= lr u; d = rho d + (1 - rho) u^2
        Parameter p = start();
        Adadelta o = new Adadelta(List.of(p), 1.0, 0.9, 1e-3, 0.0);
        step(o, p, GRADIENTS[0]);
        assertFloats(new double[] {0.001, 0.004, 0.009}, o.slots().get(0), "a1");
        assertFloats(new double[] {0.0005, 0.0008, 0.0009}, o.slots().get(1), "d1");
        assertFloats(new double[] {0.4292893218813453, -0.9105572809000084, 1.9051316701949486}, p.values(), "p1");
        step(o, p, GRADIENTS[1]);
        assertFloats(new double[] {0.0017907821229050274, 0.0022402702702702696, 0.00081}, o.slots().get(1), "d2");
        assertFloats(new double[] {0.545081468545315, -1.0338565213790263, 1.9051316701949486}, p.values(), "p2");
        step(o, p, GRADIENTS[2]);
        assertFloats(new double[] {0.01921, 0.02974, 0.01129}, o.slots().get(0), "a3");
        assertFloats(new double[] {0.47076076621771223, -1.0987900018832872, 1.828379026808003}, p.values(), "p3");
    }

    @Test
    void adadeltaDecaysTheLearningRate() {
        Parameter p = start();
        Adadelta o = new Adadelta(List.of(p), 2.0, 0.9, 1e-3, 1.0);
        step(o, p, GRADIENTS[0]);
        // iterations = 0: lr_t = 2; the update itself is that of adadeltaThreeSteps
        assertFloats(new double[] {0.5 - 2 * 0.0707106781186547, -1 + 2 * 0.0894427190999916, 2 - 2 * 0.0948683298050514},
                p.values(), "p1");
    }

    @Test
    void adamaxThreeSteps() {
        // lr_t = lr / (1 - beta1^t); m = beta1 m + (1 - beta1) g; u = max(beta2 u, |g|); p -= lr_t m / (u + eps)
        Parameter p = start();
        Adamax o = new Adamax(List.of(p), 0.01, 0.9, 0.999, 1e-3, 0.0);
        step(o, p, GRADIENTS[0]);
        assertFloats(new double[] {0.01, -0.02, 0.03}, o.slots().get(0), "m1");
        assertFloats(new double[] {0.1, 0.2, 0.3}, o.slots().get(1), "u1");
        assertFloats(new double[] {0.4900990099009901, -0.9900497512437811, 1.9900332225913622}, p.values(), "p1");
        step(o, p, GRADIENTS[1]);
        assertFloats(new double[] {0.4, 0.5, 0.2997}, o.slots().get(1), "u2");
        assertFloats(new double[] {0.49416778533083655, -0.9934114489010981, 1.9853074073882397}, p.values(), "p2");
        step(o, p, GRADIENTS[2]);
        assertFloats(new double[] {0.3996, 0.4995, 0.2994003}, o.slots().get(1), "u3");
        assertFloats(new double[] {0.49489547608253187, -0.9970093270377216, 1.9798657139316638}, p.values(), "p3");
    }

    @Test
    void nadamThreeSteps() {
        // cache_t = beta1 (1 - 0.5 * 0.96^(t sd)); m_schedule *= cache_t; see Nadam's class comment
        Parameter p = start();
        Nadam o = new Nadam(List.of(p), 0.01, 0.9, 0.999, 1e-3, 0.004);
        step(o, p, GRADIENTS[0]);
        assertFloats(new double[] {0.01, -0.02, 0.03}, o.slots().get(0), "m1");
        assertFloats(new double[] {1e-5, 4e-5, 9e-5}, o.slots().get(1), "v1");
        assertFloats(new double[] {0.4895400814024219, -0.989488042006414, 1.9894705802821722}, p.values(), "p1");
        step(o, p, GRADIENTS[1]);
        assertFloats(new double[] {0.49949115713747283, -0.9989321753546822, 1.9888428301060845}, p.values(), "p2");
        step(o, p, GRADIENTS[2]);
        assertFloats(new double[] {0.49507530286708346, -1.0032581126945994, 1.9820625065958235}, p.values(), "p3");
    }

    @Test
    void nadamWithALargeScheduleDecay() {
        // schedule_decay = 0.5 makes the warming of the momentum visible: cache_1 = 0.459..., cache_2 = 0.468
        Parameter p = start();
        Nadam o = new Nadam(List.of(p), 0.01, 0.9, 0.999, 1e-3, 0.5);
        step(o, p, GRADIENTS[0]);
        assertFloats(new double[] {0.4895088433365579, -0.9894566485272871, 1.989439134654409}, p.values(), "p1");
        step(o, p, GRADIENTS[1]);
        step(o, p, GRADIENTS[2]);
        assertFloats(new double[] {0.49509591198095787, -1.003028005456435, 1.9821089324203032}, p.values(), "p3");
    }

    @Test
    void nadamRestoredMidwayRecomputesTheMomentumSchedule() {
        Parameter p = start();
        Nadam o = new Nadam(List.of(p), 0.01, 0.9, 0.999, 1e-3, 0.5);
        step(o, p, GRADIENTS[0]);
        step(o, p, GRADIENTS[1]);
        Parameter q = OptimFixtures.parameter("dense_1/kernel", p.values());
        Nadam restored = new Nadam(List.of(q), 0.01, 0.9, 0.999, 1e-3, 0.5);
        restored.restore(o.iterations(), o.slots());
        step(o, p, GRADIENTS[2]);
        step(restored, q, GRADIENTS[2]);
        assertArrayEquals(p.values(), q.values());
    }

    @Test
    void clipnormScalesAllGradientsByTheirGlobalNorm() {
        // Two parameters: |g| = sqrt(0.1^2 + 0.2^2 + 0.3^2 + 0.4^2) = sqrt(0.3); clipnorm 0.5 scales by 0.5 / sqrt(0.3)
        Parameter a = OptimFixtures.parameter("dense_1/kernel", 0.5f, -1.0f, 2.0f);
        Parameter b = OptimFixtures.parameter("dense_1/bias", 1.0f);
        Sgd sgd = new Sgd(List.of(a, b), 1.0, 0.0, false, 0.0);
        sgd.clipping(0.5, 0);
        System.arraycopy(new float[] {0.1f, -0.2f, 0.3f}, 0, a.gradients(), 0, 3);
        b.gradients()[0] = 0.4f;
        sgd.update();
        double s = 0.5 / Math.sqrt(0.3);
        assertFloats(new double[] {0.5 - 0.1 * s, -1.0 + 0.2 * s, 2.0 - 0.3 * s}, a.values(), "kernel");
        assertFloats(new double[] {1.0 - 0.4 * s}, b.values(), "bias");

        // A norm below clipnorm leaves the gradients alone.
        sgd.clipping(1.0, 0);
        System.arraycopy(new float[] {0.1f, -0.2f, 0.3f}, 0, a.gradients(), 0, 3);
        b.gradients()[0] = 0.4f;
        float[] before = a.values().clone();
        sgd.update();
        assertFloats(new double[] {before[0] - 0.1, before[1] + 0.2, before[2] - 0.3}, a.values(), "unclipped");
    }

    @Test
    void clipvalueClipsEveryElementAfterTheNorm() {
        Parameter p = start();
        Sgd sgd = new Sgd(List.of(p), 1.0, 0.0, false, 0.0);
        sgd.clipping(0, 0.15);
        step(sgd, p, GRADIENTS[0]);
        assertFloats(new double[] {0.4, -0.85, 1.85}, p.values(), "clipvalue");

        // clipnorm 0.187... halves g = (0.1, -0.2, 0.3) to (0.05, -0.1, 0.15); clipvalue 0.12 then cuts 0.15
        Parameter q = start();
        Sgd both = new Sgd(List.of(q), 1.0, 0.0, false, 0.0);
        both.clipping(Math.sqrt(0.14) / 2, 0.12);
        step(both, q, GRADIENTS[0]);
        assertFloats(new double[] {0.45, -0.9, 1.88}, q.values(), "both");
    }

    @Test
    void refusesNegativeClipping() {
        Sgd sgd = new Sgd(List.of(start()), 1.0, 0.0, false, 0.0);
        assertThrows(IllegalArgumentException.class, () -> sgd.clipping(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> sgd.clipping(0, Double.NaN));
        assertEquals("SGD(lr=1.0, momentum=0.0, nesterov=False, clipvalue=0.5)", sgd.clipping(0, 0.5).describe());
    }
}
