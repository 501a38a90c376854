package dev.cnnc.compiler.load;

import dev.cnnc.compiler.codegen.GeneratedFile;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Compiles generated sources with {@code javax.tools} in memory and loads the classes, so that a
 * model can be trained straight from its {@code .cnn} file. Needs a JDK, not a JRE.
 */
public final class InMemoryJavaCompiler {
    /** javac's warning that the Vector API is an incubator module: expected with the vector variant. */
    private static final String INCUBATING = "compiler.warn.incubating.modules";

    private InMemoryJavaCompiler() {}

    /** Class files by binary name, and a loader that defines them on demand. */
    public record Compiled(Map<String, byte[]> classFiles, ClassLoader loader) {
        public Class<?> load(String binaryName) {
            try {
                return loader.loadClass(binaryName);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("generated class not found: " + binaryName, e);
            }
        }
    }

    /**
     * Compiles {@code files} against {@code classpath} (which must hold the runtime), with the
     * classes' loader a child of {@code parent}.
     *
     * @param options extra javac options, e.g. {@code -Xlint:all -Werror} in tests
     * @throws IllegalStateException if there is no compiler or the sources do not compile (a bug in cnnc)
     */
    public static Compiled compile(List<GeneratedFile> files, String classpath, ClassLoader parent, List<String> options) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler: run cnnc with a JDK (17 or newer), not a JRE");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> outputs = new TreeMap<>();
        try (JavaFileManager manager = new ForwardingJavaFileManager<>(javac.getStandardFileManager(diagnostics, null, null)) {
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
        }) {
            return run(javac, manager, diagnostics, outputs, files, classpath, parent, options);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot close the compiler's file manager", e);
        }
    }

    private static Compiled run(JavaCompiler javac, JavaFileManager manager,
            DiagnosticCollector<JavaFileObject> diagnostics, Map<String, ByteArrayOutputStream> outputs, List<GeneratedFile> files,
            String classpath, ClassLoader parent, List<String> options) {
        List<JavaFileObject> sources = new ArrayList<>();
        for (GeneratedFile f : files) {
            sources.add(new SimpleJavaFileObject(URI.create("mem:///" + f.relativePath()), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return f.text();
                }
            });
        }
        List<String> all = new ArrayList<>(options);
        all.add("-classpath");
        all.add(classpath);
        StringWriter out = new StringWriter();
        boolean ok = javac.getTask(out, manager, diagnostics, all, null, sources).call();
        List<Diagnostic<? extends JavaFileObject>> problems = diagnostics.getDiagnostics().stream()
                .filter(d -> !INCUBATING.equals(d.getCode())).toList();
        if (!ok || !problems.isEmpty()) {
            StringBuilder msg = new StringBuilder("generated code did not compile cleanly (a bug in cnnc):\n").append(out);
            for (Diagnostic<? extends JavaFileObject> d : problems) {
                msg.append(d).append('\n');
            }
            throw new IllegalStateException(msg.toString());
        }
        Map<String, byte[]> classes = new TreeMap<>();
        outputs.forEach((k, v) -> classes.put(k, v.toByteArray()));
        ClassLoader loader = new ClassLoader(parent) {
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
}
