package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.fail;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.load.InMemoryJavaCompiler;
import dev.cnnc.runtime.Network;
import java.util.List;

/** Compiles generated sources with {@code javax.tools} in memory and loads them. */
public final class InMemoryCompiler {
    private InMemoryCompiler() {}

    /** Compiles {@code files} with {@code -Xlint:all -Werror}; fails the test on any diagnostic. */
    public static InMemoryJavaCompiler.Compiled compile(List<GeneratedFile> files) {
        try {
            // any warning fails, but for the incubator-module warning of the Vector API variant
            return InMemoryJavaCompiler.compile(files, System.getProperty("java.class.path"),
                    InMemoryCompiler.class.getClassLoader(), List.of("-Xlint:all", "--add-modules", "jdk.incubator.vector"));
        } catch (IllegalStateException e) {
            return fail(e.getMessage());
        }
    }

    /** Checks {@code source}, generates it in package {@code test} ({@link CnnCompiler#load}), and builds the model. */
    public static Network network(String source, int batchSize, long seed, boolean inputGradient) {
        return network(model(source), batchSize, seed, inputGradient);
    }

    public static Network network(Model model, int batchSize, long seed, boolean inputGradient) {
        return network(model, batchSize, seed, inputGradient, false);
    }

    public static Network network(String source, int batchSize, long seed, boolean inputGradient, boolean vector) {
        return network(model(source), batchSize, seed, inputGradient, vector);
    }

    public static Network network(Model model, int batchSize, long seed, boolean inputGradient, boolean vector) {
        try {
            // any warning fails the test, as in compile(files)
            return CnnCompiler.load(model, new CnnCompiler.Options("test", inputGradient, vector), List.of("-Xlint:all"))
                    .create(batchSize, seed);
        } catch (IllegalStateException e) {
            return fail(e.getMessage());
        }
    }

    public static Model model(String source) {
        CnnCompiler.Checked checked = CnnCompiler.check(new SourceFile("Test.cnn", source));
        if (!checked.ok()) {
            fail("expected no errors:\n" + checked.diagnostics().render());
        }
        return checked.model();
    }

    /** The model's input gradient (generated with {@code inputGradient}), through reflection. */
    public static float[] inputGradient(Network net) {
        try {
            return (float[]) net.getClass().getMethod("inputGradient").invoke(net);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The output of a stack of linear {@code Dense} layers with biases, computed from {@code net}'s
     * parameters by plain loops in double: a reference for tests that only need to know the code
     * computes what the parameters say.
     */
    public static float[] reference(Network net, float[] input) {
        double[] x = new double[input.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = input[i];
        }
        List<dev.cnnc.runtime.Parameter> p = net.parameters();
        for (int j = 0; j + 1 < p.size(); j += 2) {
            float[] kernel = p.get(j).values();
            float[] bias = p.get(j + 1).values();
            int units = bias.length;
            double[] y = new double[units];
            for (int u = 0; u < units; u++) {
                y[u] = bias[u];
                for (int i = 0; i < x.length; i++) {
                    y[u] += x[i] * kernel[i * units + u];
                }
            }
            x = y;
        }
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }
}
