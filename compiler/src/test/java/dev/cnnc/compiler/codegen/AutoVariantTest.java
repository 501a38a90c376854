package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.runtime.VectorSupport;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code auto} variant holds both codes and picks one when it runs: in a JVM with
 * {@code jdk.incubator.vector} it computes exactly what the Vector API variant computes, in a JVM
 * without it exactly what the portable variant computes (with the one-line note), and
 * {@code -Dcnnc.portable=true} forces the portable code.
 */
class AutoVariantTest {
    static final String MODEL = """
            model AutoNet
            input(10, 10, 3)
            Conv2D(16, (3, 3), activation='relu')
            MaxPooling2D((2, 2))
            Conv2D(32, (3, 3), padding='same', activation='relu')
            Flatten()
            Dense(24, activation='relu')
            Dense(5, activation='softmax')
            """;

    @TempDir
    Path dir;

    private static Model model() {
        CnnCompiler.Checked c = CnnCompiler.check(new SourceFile("AutoNet.cnn", MODEL));
        assertTrue(c.ok(), c.diagnostics().render());
        return c.model();
    }

    private record Run(String out, String err) {}

    private Run child(Path classes, String binaryName, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), AutoVariantChild.class.getName(),
                classes.toString(), binaryName));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child did not finish");
        Run r = new Run(Files.readString(out).strip(), Files.readString(err));
        assertEquals(0, p.exitValue(), r.err());
        return r;
    }

    @Test
    void autoComputesWhatTheVectorCodeDoesWithTheModuleAndWhatThePortableCodeDoesWithout() throws Exception {
        Model model = model();
        CnnCompiler.Options options = new CnnCompiler.Options("auto.test", false, CnnCompiler.Variant.AUTO);
        String portable = AutoVariantChild.fingerprint(CnnCompiler.load(model, options.withVariant(
                CnnCompiler.Variant.PORTABLE)).create(4, 7L));
        String vector = AutoVariantChild.fingerprint(CnnCompiler.load(model, options.withVariant(
                CnnCompiler.Variant.VECTOR)).create(4, 7L));
        assertNotEquals(portable, vector, "the two codes must differ somewhere for this test to tell them apart");

        // In this JVM (the tests run with the module) auto is the Vector API code.
        assertTrue(VectorSupport.ENABLED);
        assertEquals(vector, AutoVariantChild.fingerprint(CnnCompiler.load(model, options).create(4, 7L)));

        // Compiled to class files, as the Maven plugin's users compile it, then run in JVMs of their own.
        List<GeneratedFile> files = CnnCompiler.generate(model, options);
        Path sources = dir.resolve("src");
        List<String> args = new ArrayList<>(List.of("-d", dir.resolve("classes").toString(), "-cp",
                System.getProperty("java.class.path"), "--add-modules", "jdk.incubator.vector", "-nowarn"));
        for (GeneratedFile f : files) {
            Path p = sources.resolve(f.packageName().replace('.', File.separatorChar)).resolve(f.simpleName() + ".java");
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.text(), StandardCharsets.UTF_8);
            args.add(p.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)), "javac failed");
        Path classes = dir.resolve("classes");
        String modelClass = files.get(files.size() - 1).binaryName();

        Run without = child(classes, modelClass);
        assertEquals(portable, without.out(), "without the module: the portable code");
        assertTrue(without.err().contains(VectorSupport.NOTE), without.err());
        assertFalse(without.err().contains("Exception"), without.err());

        Run with = child(classes, modelClass, "--add-modules", "jdk.incubator.vector");
        assertEquals(vector, with.out(), "with the module: the Vector API code");
        assertFalse(with.err().contains(VectorSupport.NOTE), with.err());

        Run forced = child(classes, modelClass, "--add-modules", "jdk.incubator.vector", "-Dcnnc.portable=true");
        assertEquals(portable, forced.out(), "-Dcnnc.portable=true: the portable code");
        assertFalse(forced.err().contains(VectorSupport.NOTE), forced.err());
    }
}
