package dev.cnnc.runtime.optim;

import static dev.cnnc.runtime.optim.OptimFixtures.GRADIENTS;
import static dev.cnnc.runtime.optim.OptimFixtures.assertFloats;
import static dev.cnnc.runtime.optim.OptimFixtures.start;
import static dev.cnnc.runtime.optim.OptimFixtures.step;

import dev.cnnc.runtime.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Adagrad against values computed by hand: {@code a += g^2; p -= lr_t g / (sqrt(a) + eps)}, a starting at 0. */
class AdagradTest {

    @Test
    void threeSteps() {
        Parameter p = start();
        Adagrad adagrad = new Adagrad(List.of(p), 0.1, 0.01, 0.0);

        step(adagrad, p, GRADIENTS[0]);
        // a = (0.01, 0.04, 0.09); p = 0.5 - 0.01 / (0.1 + 0.01), -1 + 0.02 / (0.2 + 0.01), 2 - 0.03 / (0.3 + 0.01)
        assertFloats(new double[] {0.01, 0.04, 0.09}, adagrad.slots().get(0), "a1");
        assertFloats(new double[] {0.40909090909090906, -0.9047619047619048, 1.903225806451613}, p.values(), "p1");

        step(adagrad, p, GRADIENTS[1]);
        // a = a1 + (0.16, 0.25, 0) = (0.17, 0.29, 0.09); p = p1 + 0.04 / (sqrt(0.17) + 0.01), p1 - 0.05 / (sqrt(0.29) + 0.01), p1
        assertFloats(new double[] {0.17, 0.29, 0.09}, adagrad.slots().get(0), "a2");
        assertFloats(new double[] {0.5038079338258745, -0.9959168686655699, 1.903225806451613}, p.values(), "p2");

        step(adagrad, p, GRADIENTS[2]);
        // a = a2 + 0.04 = (0.21, 0.33, 0.13); p = p2 - 0.02 / (sqrt(a) + 0.01)
        assertFloats(new double[] {0.21, 0.33, 0.13}, adagrad.slots().get(0), "a3");
        assertFloats(new double[] {0.46109639790442775, -1.0301367088992046, 1.8492527306169095}, p.values(), "p3");
    }

    @Test
    void decay() {
        Parameter p = start();
        Adagrad adagrad = new Adagrad(List.of(p), 0.1, 1e-7, 1.0);

        step(adagrad, p, GRADIENTS[0]);
        // lr_t = 0.1; p = 0.5 - 0.01 / (0.1 + 1e-7), ...
        assertFloats(new double[] {0.4000000999999, -0.900000049999975, 1.9000000333333222}, p.values(), "p1");
        step(adagrad, p, GRADIENTS[1]);
        // lr_t = 0.1 / 2 = 0.05; p = p1 + 0.05 * 0.4 / (sqrt(0.17) + 1e-7), ...
        assertFloats(new double[] {0.44850721324246356, -0.9464238759235499, 1.9000000333333222}, p.values(), "p2");
        step(adagrad, p, GRADIENTS[2]);
        // lr_t = 0.1 / 3; p = p2 - (0.1 / 3) * 0.2 / (sqrt(a3) + 1e-7)
        assertFloats(new double[] {0.4339593570679999, -0.9580290509670615, 1.881510031920685}, p.values(), "p3");
    }
}
