package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.fail;

import com.palantir.javapoet.JavaFile;
import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.model.Model;
import dev.cnnc.runtime.Network;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles generated sources with {@code javax.tools} in memory and loads them. */
public final class InMemoryCompiler {
    private InMemoryCompiler() {}

    /** The compiled classes: binary name to class file bytes, and a loader for them. */
    public record Compiled(Map<String, byte[]> classFiles, ClassLoader loader) {
        public Class<?> load(String name) {
            try {
                return loader.loadClass(name);
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Compiles {@code files} with {@code -Xlint:all -Werror}; fails the test on any diagnostic. */
    public static Compiled compile(List<JavaFile> files) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, null, null);
        Map<String, ByteArrayOutputStream> outputs = new HashMap<>();
        JavaFileManager manager = new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                    FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + ".class"), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        outputs.put(className, out);
                        return out;
                    }
                };
            }
        };
        List<JavaFileObject> sources = new ArrayList<>();
        for (JavaFile f : files) {
            sources.add(f.toJavaFileObject());
        }
        List<String> options = List.of("-Xlint:all", "-Werror", "-classpath", System.getProperty("java.class.path"));
        StringWriter out = new StringWriter();
        boolean ok = javac.getTask(out, manager, diagnostics, options, null, sources).call();
        if (!ok || !diagnostics.getDiagnostics().isEmpty()) {
            StringBuilder msg = new StringBuilder("generated code did not compile cleanly:\n").append(out);
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                msg.append(d).append('\n');
            }
            fail(msg.toString());
        }
        Map<String, byte[]> classes = new HashMap<>();
        outputs.forEach((k, v) -> classes.put(k, v.toByteArray()));
        ClassLoader loader = new ClassLoader(InMemoryCompiler.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = classes.get(name);
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }
        };
        return new Compiled(classes, loader);
    }

    /** Checks {@code source}, generates it in package {@code test}, compiles it, and builds the model. */
    public static Network network(String source, int batchSize, long seed, boolean inputGradient) {
        return network(model(source), batchSize, seed, inputGradient);
    }

    public static Network network(Model model, int batchSize, long seed, boolean inputGradient) {
        List<JavaFile> files = JavaGenerator.generate(model, new JavaGenerator.Options("test", inputGradient));
        Compiled compiled = compile(files);
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
