package dev.cnnc.runtime.optim;

import static dev.cnnc.runtime.optim.OptimFixtures.GRADIENTS;
import static dev.cnnc.runtime.optim.OptimFixtures.parameter;
import static dev.cnnc.runtime.optim.OptimFixtures.step;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.TrainingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** What all optimizers share: creation from a configuration, description, state saving and restoring. */
class OptimizerTest {

    /** A kernel of 3 and a bias of 2, with fixed gradients per step. */
    private static List<Parameter> twoParameters() {
        return List.of(parameter("dense_1/kernel", 0.5f, -1.0f, 2.0f), parameter("dense_1/bias", 0.25f, -0.75f));
    }

    private static void setGradients(List<Parameter> ps, int stepIndex) {
        float[] g = GRADIENTS[stepIndex % GRADIENTS.length];
        System.arraycopy(g, 0, ps.get(0).gradients(), 0, 3);
        ps.get(1).gradients()[0] = 0.3f * (stepIndex + 1);
        ps.get(1).gradients()[1] = -0.7f / (stepIndex + 1);
    }

    private static void run(Optimizer o, List<Parameter> ps, int fromStep, int steps) {
        for (int s = fromStep; s < fromStep + steps; s++) {
            setGradients(ps, s);
            o.update();
        }
    }

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("sgd", (Function<List<Parameter>, Optimizer>) ps -> new Sgd(ps, 0.1, 0.0, false, 0.0)),
                Arguments.of("sgd+momentum", (Function<List<Parameter>, Optimizer>) ps -> new Sgd(ps, 0.1, 0.9, false, 0.1)),
                Arguments.of("sgd+nesterov", (Function<List<Parameter>, Optimizer>) ps -> new Sgd(ps, 0.1, 0.9, true, 0.0)),
                Arguments.of("rmsprop", (Function<List<Parameter>, Optimizer>) ps -> new RmsProp(ps, 0.01, 0.9, 1e-7, 0.2)),
                Arguments.of("adam", (Function<List<Parameter>, Optimizer>) ps -> new Adam(ps, 0.01, 0.9, 0.999, 1e-7, false, 0.0)),
                Arguments.of("amsgrad", (Function<List<Parameter>, Optimizer>) ps -> new Adam(ps, 0.01, 0.9, 0.9, 1e-7, true, 0.3)),
                Arguments.of("adagrad", (Function<List<Parameter>, Optimizer>) ps -> new Adagrad(ps, 0.1, 1e-7, 0.0)),
                Arguments.of("adadelta", (Function<List<Parameter>, Optimizer>) ps -> new Adadelta(ps, 1.0, 0.95, 1e-7, 0.1)),
                Arguments.of("adamax", (Function<List<Parameter>, Optimizer>) ps -> new Adamax(ps, 0.002, 0.9, 0.999, 1e-7, 0.2)),
                Arguments.of("nadam", (Function<List<Parameter>, Optimizer>) ps -> new Nadam(ps, 0.002, 0.9, 0.999, 1e-7, 0.004)),
                Arguments.of("clipped", (Function<List<Parameter>, Optimizer>) ps -> new Adam(ps, 0.01, 0.9, 0.999, 1e-7, false, 0.0)
                        .clipping(0.5, 0.25)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void restoreContinuesBitIdentically(String name, Function<List<Parameter>, Optimizer> factory) {
        List<Parameter> original = twoParameters();
        Optimizer first = factory.apply(original);
        run(first, original, 0, 3);
        long iterations = first.iterations();
        List<float[]> saved = first.slots();
        float[] kernel = original.get(0).values().clone();
        float[] bias = original.get(1).values().clone();
        run(first, original, 3, 3);

        List<Parameter> copy = List.of(parameter("dense_1/kernel", kernel), parameter("dense_1/bias", bias));
        Optimizer second = factory.apply(copy);
        second.restore(iterations, saved);
        assertEquals(3, second.iterations());
        run(second, copy, 3, 3);

        assertArrayEquals(original.get(0).values(), copy.get(0).values(), "kernel");
        assertArrayEquals(original.get(1).values(), copy.get(1).values(), "bias");
        assertEquals(first.iterations(), second.iterations());
        for (int s = 0; s < first.slots().size(); s++) {
            assertArrayEquals(first.slots().get(s), second.slots().get(s), "slot " + s);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void withoutRestoreTheContinuationDiffers(String name, Function<List<Parameter>, Optimizer> factory) {
        // Guards the test above: restoring must matter (for stateless plain SGD only the iterations would).
        List<Parameter> original = twoParameters();
        Optimizer first = factory.apply(original);
        run(first, original, 0, 3);
        float[] kernel = original.get(0).values().clone();
        float[] bias = original.get(1).values().clone();
        run(first, original, 3, 3);

        List<Parameter> copy = List.of(parameter("dense_1/kernel", kernel), parameter("dense_1/bias", bias));
        Optimizer fresh = factory.apply(copy);
        run(fresh, copy, 3, 3);

        if (name.equals("sgd")) {
            assertArrayEquals(original.get(0).values(), copy.get(0).values()); // momentum 0, no decay: the state has no effect
        } else {
            assertNotEquals(original.get(0).values()[0], copy.get(0).values()[0]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void restoreRefusesWrongSlotsAndChangesNothing(String name, Function<List<Parameter>, Optimizer> factory) {
        List<Parameter> ps = twoParameters();
        Optimizer o = factory.apply(ps);
        run(o, ps, 0, 2);
        List<float[]> good = o.slots();

        List<float[]> tooFew = new ArrayList<>(good.subList(0, good.size() - 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.restore(5, tooFew));
        assertTrue(e.getMessage().contains("slot arrays"), e.getMessage());

        List<float[]> tooMany = new ArrayList<>(good);
        tooMany.add(new float[3]);
        assertThrows(IllegalArgumentException.class, () -> o.restore(5, tooMany));

        List<float[]> wrongLength = new ArrayList<>(good);
        wrongLength.set(wrongLength.size() - 1, new float[3]); // the last slot belongs to the bias, of 2
        e = assertThrows(IllegalArgumentException.class, () -> o.restore(5, wrongLength));
        assertTrue(e.getMessage().contains("dense_1/bias") && e.getMessage().contains("needs 2 values"), e.getMessage());

        List<float[]> withNull = new ArrayList<>(good);
        withNull.set(0, null);
        assertThrows(IllegalArgumentException.class, () -> o.restore(5, withNull));

        assertThrows(IllegalArgumentException.class, () -> o.restore(-1, good));

        assertEquals(2, o.iterations());
        for (int s = 0; s < good.size(); s++) {
            assertArrayEquals(good.get(s), o.slots().get(s));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void slotsAreCopiesInTheDocumentedOrder(String name, Function<List<Parameter>, Optimizer> factory) {
        List<Parameter> ps = twoParameters();
        Optimizer o = factory.apply(ps);
        run(o, ps, 0, 1);
        List<float[]> slots = o.slots();
        List<String> names = o.slotNames();

        assertEquals(slots.size(), names.size());
        for (int s = 0; s < slots.size(); s++) {
            // kinds grouped, parameters in order within a kind: kernel, bias, kernel, bias, ...
            String parameter = s % 2 == 0 ? "dense_1/kernel" : "dense_1/bias";
            assertTrue(names.get(s).endsWith("/" + parameter), names.get(s));
            assertEquals(s % 2 == 0 ? 3 : 2, slots.get(s).length);
        }
        if (!slots.isEmpty()) {
            float before = o.slots().get(0)[0];
            slots.get(0)[0] = 1234f;
            assertEquals(before, o.slots().get(0)[0]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void updateAllocatesNothing(String name, Function<List<Parameter>, Optimizer> factory) {
        List<Parameter> ps = twoParameters();
        setGradients(ps, 0);
        for (Parameter p : ps) {
            for (int i = 0; i < p.size(); i++) {
                p.gradients()[i] *= 1e-6f; // keep the values finite over many steps
            }
        }
        Optimizer o = factory.apply(ps);
        long bytes = OptimFixtures.allocatedBytes(() -> { });
        org.junit.jupiter.api.Assumptions.assumeTrue(bytes >= 0, "the JVM does not measure allocation");
        OptimFixtures.assertAllocatesNothing(o::update);
    }

    @Test
    void slotLayouts() {
        List<Parameter> ps = twoParameters();
        assertEquals(List.of("m/dense_1/kernel", "m/dense_1/bias"), new Sgd(ps, 0.1, 0, false, 0).slotNames());
        assertEquals(List.of("a/dense_1/kernel", "a/dense_1/bias"), new RmsProp(ps, 0.1, 0.9, 1e-7, 0).slotNames());
        assertEquals(List.of("a/dense_1/kernel", "a/dense_1/bias"), new Adagrad(ps, 0.1, 1e-7, 0).slotNames());
        assertEquals(List.of("m/dense_1/kernel", "m/dense_1/bias", "v/dense_1/kernel", "v/dense_1/bias"),
                new Adam(ps, 0.1, 0.9, 0.999, 1e-7, false, 0).slotNames());
        assertEquals(List.of("m/dense_1/kernel", "m/dense_1/bias", "v/dense_1/kernel", "v/dense_1/bias",
                "vhat/dense_1/kernel", "vhat/dense_1/bias"), new Adam(ps, 0.1, 0.9, 0.999, 1e-7, true, 0).slotNames());
        assertEquals(List.of("a/dense_1/kernel", "a/dense_1/bias", "d/dense_1/kernel", "d/dense_1/bias"),
                new Adadelta(ps, 1.0, 0.95, 1e-7, 0).slotNames());
        assertEquals(List.of("m/dense_1/kernel", "m/dense_1/bias", "u/dense_1/kernel", "u/dense_1/bias"),
                new Adamax(ps, 0.002, 0.9, 0.999, 1e-7, 0).slotNames());
        assertEquals(List.of("m/dense_1/kernel", "m/dense_1/bias", "v/dense_1/kernel", "v/dense_1/bias"),
                new Nadam(ps, 0.002, 0.9, 0.999, 1e-7, 0.004).slotNames());
    }

    @Test
    void slotsStartAtZero() {
        Optimizer adam = new Adam(twoParameters(), 0.1, 0.9, 0.999, 1e-7, true, 0);
        for (float[] slot : adam.slots()) {
            assertArrayEquals(new float[slot.length], slot);
        }
        assertEquals(0, adam.iterations());
    }

    @Test
    void createsEachOptimizerWithTheConfiguration() {
        List<Parameter> ps = twoParameters();
        TrainingConfig sgd = TrainingConfig.builder(OptimizerKind.SGD, LossKind.MEAN_SQUARED_ERROR).learningRate(0.05)
                .momentum(0.8).nesterov(true).decay(0.01).build();
        Sgd s = assertInstanceOf(Sgd.class, Optimizer.create(sgd, ps));
        assertEquals(0.05, s.learningRate());
        assertEquals(0.8, s.momentum());
        assertTrue(s.nesterov());
        assertEquals(0.01, s.decay());

        RmsProp r = assertInstanceOf(RmsProp.class, Optimizer.create(TrainingConfig.defaults(OptimizerKind.RMSPROP, LossKind.MEAN_SQUARED_ERROR), ps));
        assertEquals(0.001, r.learningRate());
        assertEquals(0.9, r.rho());
        assertEquals(1e-7, r.epsilon());

        TrainingConfig adamConfig = TrainingConfig.builder(OptimizerKind.fromKeras("Adam"), LossKind.MEAN_SQUARED_ERROR)
                .learningRate(0.002).beta1(0.8).beta2(0.99).epsilon(1e-4).amsgrad(true).build();
        Adam a = assertInstanceOf(Adam.class, Optimizer.create(adamConfig, ps));
        assertEquals(0.8, a.beta1());
        assertEquals(0.99, a.beta2());
        assertEquals(1e-4, a.epsilon());
        assertTrue(a.amsgrad());

        Adagrad g = assertInstanceOf(Adagrad.class, Optimizer.create(TrainingConfig.defaults(OptimizerKind.ADAGRAD, LossKind.MEAN_SQUARED_ERROR), ps));
        assertEquals(0.01, g.learningRate());

        Adadelta d = assertInstanceOf(Adadelta.class, Optimizer.create(TrainingConfig.defaults(OptimizerKind.ADADELTA, LossKind.MEAN_SQUARED_ERROR), ps));
        assertEquals(1.0, d.learningRate());
        assertEquals(0.95, d.rho());
        assertEquals(1e-7, d.epsilon());

        TrainingConfig adamaxConfig = TrainingConfig.builder(OptimizerKind.ADAMAX, LossKind.MEAN_SQUARED_ERROR)
                .beta1(0.8).beta2(0.99).epsilon(1e-4).decay(0.1).clipnorm(2).clipvalue(0.5).build();
        Adamax x = assertInstanceOf(Adamax.class, Optimizer.create(adamaxConfig, ps));
        assertEquals(0.002, x.learningRate());
        assertEquals(0.8, x.beta1());
        assertEquals(0.99, x.beta2());
        assertEquals(0.1, x.decay());
        assertEquals(2.0, x.clipnorm());
        assertEquals(0.5, x.clipvalue());

        Nadam n = assertInstanceOf(Nadam.class, Optimizer.create(TrainingConfig.builder(OptimizerKind.NADAM,
                LossKind.MEAN_SQUARED_ERROR).scheduleDecay(0.01).build(), ps));
        assertEquals(0.002, n.learningRate());
        assertEquals(0.01, n.scheduleDecay());
        assertEquals(0.0, n.clipnorm());
    }

    @Test
    void refusesUnknownOptimizersNamingTheKnownOnes() {
        List<Parameter> ps = twoParameters();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerKind.fromKeras("lion"));
        assertEquals("unknown optimizer 'lion' (known: sgd, rmsprop, adam, adagrad, adadelta, adamax, nadam)",
                e.getMessage());
        TrainingConfig none = TrainingConfig.builder(null, null).learningRate(0.01).build();
        assertThrows(IllegalArgumentException.class, () -> Optimizer.create(none, ps));
    }

    @Test
    void describesInKerasSpelling() {
        List<Parameter> ps = twoParameters();
        assertEquals("RMSprop(lr=0.001, rho=0.9, epsilon=1e-07)",
                Optimizer.create(TrainingConfig.defaults(OptimizerKind.RMSPROP, LossKind.MEAN_SQUARED_ERROR), ps).describe());
        assertEquals("SGD(lr=0.01, momentum=0.0, nesterov=False)",
                Optimizer.create(TrainingConfig.defaults(OptimizerKind.SGD, LossKind.MEAN_SQUARED_ERROR), ps).describe());
        assertEquals("Adam(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False)",
                Optimizer.create(TrainingConfig.defaults(OptimizerKind.ADAM, LossKind.MEAN_SQUARED_ERROR), ps).describe());
        assertEquals("Adagrad(lr=0.01, epsilon=1e-07)",
                Optimizer.create(TrainingConfig.defaults(OptimizerKind.ADAGRAD, LossKind.MEAN_SQUARED_ERROR), ps).describe());
        assertEquals("Adadelta(lr=1.0, rho=0.95, epsilon=1e-07)",
                Optimizer.create(TrainingConfig.defaults(OptimizerKind.ADADELTA, LossKind.MEAN_SQUARED_ERROR), ps).describe());
        assertEquals("Adamax(lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-07)",
                Optimizer.create(TrainingConfig.defaults(OptimizerKind.ADAMAX, LossKind.MEAN_SQUARED_ERROR), ps).describe());
        assertEquals("Nadam(lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-07, schedule_decay=0.004)",
                Optimizer.create(TrainingConfig.defaults(OptimizerKind.NADAM, LossKind.MEAN_SQUARED_ERROR), ps).describe());
        assertEquals("RMSprop(lr=0.0001, rho=0.9, epsilon=1e-07, decay=1e-06, clipnorm=1.0, clipvalue=0.5)",
                Optimizer.create(TrainingConfig.builder(OptimizerKind.RMSPROP, LossKind.MEAN_SQUARED_ERROR)
                        .learningRate(1e-4).decay(1e-6).clipnorm(1).clipvalue(0.5).build(), ps).describe());
        assertEquals("SGD(lr=0.1, momentum=0.9, decay=1e-06, nesterov=True)",
                new Sgd(ps, 0.1, 0.9, true, 1e-6).describe());
        assertEquals("Adam(lr=0.0001, beta_1=0.5, beta_2=0.99, epsilon=0.001, decay=0.25, amsgrad=True)",
                new Adam(ps, 1e-4, 0.5, 0.99, 1e-3, true, 0.25).describe());
    }

    @Test
    void formatsNumbersAsPythonRepr() {
        assertEquals("0.0", Optimizer.python(0.0));
        assertEquals("1.0", Optimizer.python(1.0));
        assertEquals("10.0", Optimizer.python(10));
        assertEquals("0.0001", Optimizer.python(1e-4));
        assertEquals("1e-05", Optimizer.python(1e-5));
        assertEquals("1.5e-07", Optimizer.python(1.5e-7));
        assertEquals("1e+16", Optimizer.python(1e16));
        assertEquals("123456.789", Optimizer.python(123456.789));
        assertEquals("-0.25", Optimizer.python(-0.25));
    }

    @Test
    void sameInputsGiveBitIdenticalResults() {
        List<Parameter> a = twoParameters();
        List<Parameter> b = twoParameters();
        Optimizer x = new Adam(a, 0.01, 0.9, 0.999, 1e-7, true, 0.01);
        Optimizer y = new Adam(b, 0.01, 0.9, 0.999, 1e-7, true, 0.01);
        run(x, a, 0, 50);
        run(y, b, 0, 50);
        assertArrayEquals(a.get(0).values(), b.get(0).values());
        assertArrayEquals(a.get(1).values(), b.get(1).values());
    }

    @Test
    void anEmptyParameterListIsFine() {
        Optimizer o = new Adam(List.of(), 0.01, 0.9, 0.999, 1e-7, true, 0);
        o.update();
        assertEquals(1, o.iterations());
        assertEquals(List.of(), o.slots());
        o.restore(7, List.of());
        assertEquals(7, o.iterations());
    }

    @Test
    void stepUsesTheGradientsOfEachUpdate() {
        Parameter p = OptimFixtures.start();
        Sgd sgd = new Sgd(List.of(p), 1.0, 0.0, false, 0.0);
        step(sgd, p, new float[] {1f, 0f, 0f});
        step(sgd, p, new float[] {0f, 1f, 0f});
        assertArrayEquals(new float[] {-0.5f, -2.0f, 2.0f}, p.values());
    }
}
