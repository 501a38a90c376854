package dev.cnnc.compiler.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cnnc.compiler.codegen.GeneratedFile;
import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.codegen.InMemoryCompiler;
import dev.cnnc.compiler.load.InMemoryJavaCompiler;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.ir.Constraint;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.ir.Weight;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * 200 random valid models ({@link RandomModels}), each checked, its shapes compared with an
 * independent computation, generated in the scalar and the Vector API variant, compiled in memory,
 * its layer classes' size constants compared with the inferred shapes, and one forward and backward
 * step run in both variants, which must agree and stay finite.
 */
class RandomModelTest {
    static final int MODELS = 200;
    /** Models compiled per javac run: javac's start-up dominates small compilations. */
    static final int PER_COMPILATION = 25;
    static final int BATCH = 3;

    record Case(RandomModels.Generated generated, Model model) {}

    @Test
    void randomValidModelsCheckGenerateCompileAndRunInBothVariants() throws Exception {
        Random random = new Random(20261130);
        List<Case> cases = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (int i = 0; i < MODELS; i++) {
            RandomModels.Generated g = RandomModels.generate(random, i);
            CnnCompiler.Checked checked = CnnCompiler.check(new SourceFile(g.name() + ".cnn", g.source()));
            if (checked.ok()) {
                cases.add(new Case(g, checked.model()));
            } else {
                rejected.add(g.source() + checked.diagnostics().render());
            }
        }
        assertEquals(List.of(), rejected, "every generated model is valid by construction");

        int layers = 0;
        for (Case c : cases) {
            assertShapesAsComputed(c);
            layers += c.model().layers().size();
        }
        int nonZeroGradients = 0;
        List<String> failures = new ArrayList<>();
        for (int from = 0; from < cases.size(); from += PER_COMPILATION) {
            List<Case> group = cases.subList(from, Math.min(cases.size(), from + PER_COMPILATION));
            List<GeneratedFile> files = new ArrayList<>();
            for (Case c : group) {
                files.addAll(generate(c, false));
                files.addAll(generate(c, true));
            }
            InMemoryJavaCompiler.Compiled compiled = InMemoryCompiler.compile(files);
            for (Case c : group) {
                try {
                    Network scalar = network(compiled, c, false);
                    Network vector = network(compiled, c, true);
                    if (step(c, scalar, vector)) {
                        nonZeroGradients++;
                    }
                } catch (AssertionError e) {
                    failures.add(c.generated().name() + ": " + e.getMessage());
                }
            }
        }
        assertEquals(List.of(), failures, failures.size() + " of " + cases.size() + " models failed");
        System.out.printf("RandomModelTest: %d models (%d layers) checked, generated, compiled and run in 2 variants; "
                + "%d with a non-zero gradient%n", cases.size(), layers, nonZeroGradients);
        assertTrue(nonZeroGradients >= cases.size() * 9 / 10, nonZeroGradients + " of " + cases.size()
                + " models had a non-zero gradient: the backward pass is not exercised");
        assertTrue(layers >= 2 * MODELS, layers + " layers: the generator makes too small models");
    }

    /** The compiler's shapes are those computed by the generator from Keras' formulas, layer by layer. */
    private static void assertShapesAsComputed(Case c) {
        List<Layer> layers = c.model().layers();
        String where = c.generated().source();
        assertArrayEquals(c.generated().input(), c.model().inputShape().dims(), where);
        assertEquals(c.generated().shapes().size(), layers.size(), where);
        for (int i = 0; i < layers.size(); i++) {
            String kind = c.generated().kinds().get(i);
            assertEquals(RandomModels.kerasClass(kind), layers.get(i).kerasClass(), where);
            assertArrayEquals(c.generated().shapes().get(i), layers.get(i).outputShape().dims(),
                    layers.get(i).name() + " of\n" + where);
        }
    }

    private static List<GeneratedFile> generate(Case c, boolean vector) {
        return CnnCompiler.generate(c.model(), new CnnCompiler.Options(pkg(c, vector), false, vector));
    }

    private static String pkg(Case c, boolean vector) {
        return (vector ? "v" : "s") + c.generated().name().toLowerCase();
    }

    /** Loads the model, after checking every layer class's IN_SIZE and OUT_SIZE against the inferred shapes. */
    private static Network network(InMemoryJavaCompiler.Compiled compiled, Case c, boolean vector) throws Exception {
        List<GeneratedFile> files = generate(c, vector);
        List<Layer> layers = c.model().layers();
        for (int i = 0; i < layers.size(); i++) {
            GeneratedFile f = files.get(i);
            Class<?> type = compiled.load(f.packageName() + "." + f.simpleName());
            String what = type.getName() + " (" + layers.get(i).name() + ") in the " + (vector ? "vector" : "scalar")
                    + " variant of\n" + c.generated().source();
            assertEquals(layers.get(i).inputShape().size(), type.getField("IN_SIZE").getInt(null), what);
            assertEquals(layers.get(i).outputShape().size(), type.getField("OUT_SIZE").getInt(null), what);
        }
        Network net = (Network) compiled.load(pkg(c, vector) + "." + c.model().name())
                .getConstructor(int.class, long.class).newInstance(BATCH, 11L);
        String where = (vector ? "vector" : "scalar") + " variant of\n" + c.generated().source();
        assertArrayEquals(c.model().inputShape().dims(), net.inputShape(), where);
        assertEquals(c.model().inputShape().size(), net.inputSize(), where);
        assertEquals(c.model().outputShape().size(), net.outputSize(), where);
        assertEquals(c.model().parameterCount(), net.parameterCount(), where);
        // every Keras weight, and the one-element step counter each BatchNormalization keeps beside them
        long counters = c.model().layers().stream().filter(l -> l instanceof dev.cnnc.compiler.ir.BatchNormLayer).count();
        assertEquals(c.model().parameterCount() + counters, net.parameters().stream().mapToLong(Parameter::size).sum(),
                where);
        return net;
    }

    /**
     * One forward and backward step in both variants: outputs, penalties and gradients finite and
     * equal up to float rounding; constraints applied. Returns whether some gradient was non-zero.
     */
    private static boolean step(Case c, Network scalar, Network vector) {
        String where = c.generated().source();
        for (int i = 0; i < scalar.parameters().size(); i++) {
            assertArrayEquals(scalar.parameters().get(i).values(), vector.parameters().get(i).values(),
                    "both variants start from the same weights:\n" + where);
        }
        Random r = new Random(c.generated().name().hashCode());
        float[] input = new float[BATCH * scalar.inputSize()];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) r.nextGaussian();
        }
        float[] gradient = new float[BATCH * scalar.outputSize()];
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] = (float) r.nextGaussian() / BATCH;
        }
        boolean logits = scalar.outputActivation().keras().equals("softmax");
        float[][] outputs = new float[2][];
        double[] penalties = new double[2];
        int variant = 0;
        for (Network net : List.of(scalar, vector)) {
            String label = (variant == 0 ? "scalar" : "vector") + " variant of\n" + where;
            try {
                outputs[variant] = forwardAndBackward(net, input, gradient, logits, label);
            } catch (RuntimeException e) {
                throw new AssertionError(e + " in the " + label, e);
            }
            penalties[variant] = net.activityLoss() + net.regularizationLoss();
            assertTrue(Double.isFinite(penalties[variant]) && penalties[variant] >= 0, "penalty " + penalties[variant]
                    + " of the " + label);
            variant++;
        }
        assertClose(outputs[0], outputs[1], "the outputs of the two variants", where);
        assertEquals(penalties[0], penalties[1], 1e-4 * (1 + penalties[0]), "penalties of the two variants:\n" + where);
        boolean nonZero = false;
        for (int i = 0; i < scalar.parameters().size(); i++) {
            float[] g = scalar.parameters().get(i).gradients();
            assertClose(g, vector.parameters().get(i).gradients(), scalar.parameters().get(i).name()
                    + " gradients of the two variants", where);
            for (float v : g) {
                nonZero |= v != 0;
            }
        }
        scalar.applyConstraints();
        vector.applyConstraints();
        List<Weight> weights = c.model().layers().stream().flatMap(l -> l.weights().stream()).toList();
        // Keras' weights first, then one step counter per BatchNormalization
        assertEquals(weights.size() + c.model().layers().stream().filter(l -> l instanceof dev.cnnc.compiler.ir.BatchNormLayer)
                .count(), scalar.parameters().size(), where);
        for (int i = 0; i < weights.size(); i++) {
            Parameter p = scalar.parameters().get(i);
            assertFinite(p.values(), p.name() + " after constraints", where);
            assertArrayEquals(p.values(), vector.parameters().get(i).values(), 1e-6f, p.name() + " after constraints:\n"
                    + where);
            if (weights.get(i).constraint() instanceof Constraint.NonNeg) {
                for (float v : p.values()) {
                    assertTrue(v >= 0, p.name() + " is constrained non-negative, holds " + v + ":\n" + where);
                }
            }
        }
        return nonZero;
    }

    private static float[] forwardAndBackward(Network net, float[] input, float[] gradient, boolean logits, String label) {
        net.zeroGradients();
        float[] y = net.forward(input, BATCH);
        assertTrue(y.length >= gradient.length, label);
        float[] output = Arrays.copyOf(y, gradient.length);
        assertFinite(output, "output", label);
        if (logits) {
            net.backwardFromLogits(gradient, BATCH);
        } else {
            net.backward(gradient, BATCH);
        }
        net.addRegularizationGradients();
        for (Parameter p : net.parameters()) {
            assertFinite(p.gradients(), p.name() + " gradient", label);
        }
        return output;
    }

    private static void assertFinite(float[] values, String what, String where) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                fail(what + "[" + i + "] is " + values[i] + " in the " + where);
            }
        }
    }

    private static void assertClose(float[] a, float[] b, String what, String where) {
        assertEquals(a.length, b.length, what);
        double scale = 0;
        for (float v : a) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i] - b[i]) > 1e-4 * (1 + scale)) {
                fail(what + " differ at " + i + ": " + a[i] + " vs " + b[i] + " (scale " + scale + "):\n" + where);
            }
        }
    }
}
