package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.fail;

import com.palantir.javapoet.JavaFile;
import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.runtime.Network;
import java.util.List;

/** Compiles generated sources with {@code javax.tools} in memory and loads them. */
public final class InMemoryCompiler {
    private InMemoryCompiler() {}

    /** Compiles {@code files} with {@code -Xlint:all -Werror}; fails the test on any diagnostic. */
    public static InMemoryJavaCompiler.Compiled compile(List<JavaFile> files) {
        try {
            // any warning fails, but for the incubator-module warning of the Vector API variant
            return InMemoryJavaCompiler.compile(files, System.getProperty("java.class.path"),
                    InMemoryCompiler.class.getClassLoader(), List.of("-Xlint:all", "--add-modules", "jdk.incubator.vector"));
        } catch (IllegalStateException e) {
            return fail(e.getMessage());
        }
    }

    /** Checks {@code source}, generates it in package {@code test}, compiles it, and builds the model. */
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
        List<JavaFile> files = JavaGenerator.generate(model, new JavaGenerator.Options("test", inputGradient, vector));
        InMemoryJavaCompiler.Compiled compiled = compile(files);
        try {
            return (Network) compiled.load("test." + model.name()).getConstructor(int.class, long.class)
                    .newInstance(batchSize, seed);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
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
}
