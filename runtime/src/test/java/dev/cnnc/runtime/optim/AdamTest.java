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
 * Adam against values computed by hand: {@code lr_t2 = lr_t sqrt(1 - beta2^t) / (1 - beta1^t)},
 * {@code m = beta1 m + (1 - beta1) g}, {@code v = beta2 v + (1 - beta2) g^2},
 * {@code p -= lr_t2 m / (sqrt(v) + eps)}. Epsilon is 1e-3, large enough that adding it inside the square
 * root would show.
 */
class AdamTest {

    @Test
    void threeSteps() {
        Parameter p = start();
        Adam adam = new Adam(List.of(p), 0.01, 0.9, 0.999, 1e-3, false, 0.0);
        assertEquals(List.of("m/dense_1/kernel", "v/dense_1/kernel"), adam.slotNames());

        step(adam, p, GRADIENTS[0]);
        // t = 1: lr_t2 = 0.01 * sqrt(1 - 0.999) / (1 - 0.9) = 0.003162277660168381
        // m = 0.1 g = (0.01, -0.02, 0.03); v = 0.001 g^2 = (1e-5, 4e-5, 9e-5)
        // p = 0.5 - 0.003162277660168381 * 0.01 / (sqrt(1e-5) + 1e-3), ...
        assertFloats(new double[] {0.01, -0.02, 0.03}, adam.slots().get(0), "m1");
        assertFloats(new double[] {1e-5, 4e-5, 9e-5}, adam.slots().get(1), "v1");
        assertFloats(new double[] {0.4924025307335204, -0.9913652705949582, 1.9909535767393827}, p.values(), "p1");

        step(adam, p, GRADIENTS[1]);
        // t = 2: lr_t2 = 0.01 * sqrt(1 - 0.999^2) / (1 - 0.9^2) = 0.0023531672532745274
        // m = 0.9 m1 + 0.1 (-0.4, 0.5, 0) = (-0.031, 0.032, 0.027)
        // v = 0.999 v1 + 0.001 (0.16, 0.25, 0) = (0.00016999, 0.00028996, 0.00008991)
        assertFloats(new double[] {-0.031, 0.032, 0.027}, adam.slots().get(0), "m2");
        assertFloats(new double[] {0.00016999, 0.00028996, 0.00008991}, adam.slots().get(1), "v2");
        assertFloats(new double[] {0.4975990027417071, -0.9955421325369621, 1.9848922353778289}, p.values(), "p2");

        step(adam, p, GRADIENTS[2]);
        // t = 3: lr_t2 = 0.01 * sqrt(1 - 0.999^3) / (1 - 0.9^3) = 0.002020105974389679
        // m = 0.9 m2 + 0.02 = (-0.0079, 0.0488, 0.0443); v = 0.999 v2 + 0.00004
        assertFloats(new double[] {-0.0079, 0.0488, 0.0443}, adam.slots().get(0), "m3");
        assertFloats(new double[] {0.00020982001, 0.00032967004, 0.00012982009}, adam.slots().get(1), "v3");
        assertFloats(new double[] {0.49862959150343844, -1.000688142251829, 1.9776716696599377}, p.values(), "p3");
    }

    @Test
    void decayCombinesWithBiasCorrection() {
        Parameter p = start();
        Adam adam = new Adam(List.of(p), 0.01, 0.9, 0.999, 1e-3, false, 0.5);

        step(adam, p, GRADIENTS[0]);
        // iterations = 0: lr_t = 0.01, as without decay
        assertFloats(new double[] {0.4924025307335204, -0.9913652705949582, 1.9909535767393827}, p.values(), "p1");
        step(adam, p, GRADIENTS[1]);
        // iterations = 1: lr_t = 0.01 / 1.5; lr_t2 = lr_t * sqrt(1 - 0.999^2) / (1 - 0.9^2) = 0.0015687781688496854
        assertFloats(new double[] {0.49586684540564485, -0.9941498452229608, 1.9869126824983467}, p.values(), "p2");
    }

    /** Gradients that shrink after the first step, so that v falls below its maximum. */
    private static final float[][] SHRINKING = {{1f, -1f, 0.5f}, {0.01f, -0.01f, 0.5f}, {0.01f, 0.02f, 0.5f}};

    @Test
    void amsgradDividesByTheLargestV() {
        Parameter p = start();
        Adam adam = new Adam(List.of(p), 0.01, 0.9, 0.9, 1e-3, true, 0.0);
        assertEquals(List.of("m/dense_1/kernel", "v/dense_1/kernel", "vhat/dense_1/kernel"), adam.slotNames());

        step(adam, p, SHRINKING[0]);
        // lr_t2 = 0.01 * sqrt(1 - 0.9) / (1 - 0.9) = 0.0316227766016838; m = (0.1, -0.1, 0.05); v = vhat = (0.1, 0.1, 0.025)
        assertFloats(new double[] {0.1, 0.1, 0.025}, adam.slots().get(2), "vhat1");
        assertFloats(new double[] {0.4900315230918326, -0.9900315230918326, 1.990062848067126}, p.values(), "p1");

        step(adam, p, SHRINKING[1]);
        // v = 0.9 * (0.1, 0.1, 0.025) + 0.1 * (1e-4, 1e-4, 0.25) = (0.09001, 0.09001, 0.0475)
        // vhat = max(vhat1, v) = (0.1, 0.1, 0.0475); m = (0.091, -0.091, 0.095); lr_t2 = 0.02294157338705618
        // p = p1 - lr_t2 * m / (sqrt(vhat) + 1e-3)   (with sqrt(v) the first would be 0.48309608259097625)
        assertFloats(new double[] {0.09001, 0.09001, 0.0475}, adam.slots().get(1), "v2");
        assertFloats(new double[] {0.1, 0.1, 0.0475}, adam.slots().get(2), "vhat2");
        assertFloats(new double[] {0.4834505002373852, -0.9834505002373852, 1.9801085216491334}, p.values(), "p2");

        step(adam, p, SHRINKING[2]);
        // v = (0.081019, 0.081049, 0.06775); vhat = (0.1, 0.1, 0.06775); lr_t2 = 0.01920946875988247
        assertFloats(new double[] {0.1, 0.1, 0.06775}, adam.slots().get(2), "vhat3");
        assertFloats(new double[] {0.4784305583193447, -0.9786122208736767, 1.970146793550076}, p.values(), "p3");
    }

    @Test
    void withoutAmsgradTheSameGradientsGiveTheSqrtVResult() {
        Parameter p = start();
        Adam adam = new Adam(List.of(p), 0.01, 0.9, 0.9, 1e-3, false, 0.0);
        step(adam, p, SHRINKING[0]);
        step(adam, p, SHRINKING[1]);

        // p = p1 - lr_t2 * m / (sqrt(v) + 1e-3), v = (0.09001, 0.09001, 0.0475)
        assertFloats(new double[] {0.48309608259097625, -0.9830960825909763, 1.9801085216491334}, p.values(), "p2");
        assertEquals(2, adam.slots().size());
    }

    @Test
    void refusesBetasOfOneOrMore() {
        List<Parameter> ps = List.of(start());
        assertThrows(IllegalArgumentException.class, () -> new Adam(ps, 0.01, 1.0, 0.999, 1e-7, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(ps, 0.01, 0.9, 1.0, 1e-7, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(ps, 0.01, -0.1, 0.999, 1e-7, false, 0));
    }
}
