package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;

/**
 * Generated Vector API code compiled into a folder, and run by {@link AutoVariantChild} in JVMs of
 * their own, so that each can take its own {@code -Dcnnc.*} properties (the vector width, the register
 * file, Winograd), which the layer classes read once, when they are loaded.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /** Compiles {@code files} into {@code dir/classes}; returns the model class's binary name (the last file). */
    static String compile(List<GeneratedFile> files, Path dir) throws Exception {
        List<String> args = new ArrayList<>(List.of("-d", dir.resolve("classes").toString(), "-cp",
                System.getProperty("java.class.path"), "--add-modules", "jdk.incubator.vector", "-nowarn"));
        for (GeneratedFile f : files) {
            Path p = dir.resolve("src").resolve(f.packageName().replace('.', File.separatorChar))
                    .resolve(f.simpleName() + ".java");
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.text(), StandardCharsets.UTF_8);
            args.add(p.toString());
        }
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)));
        return files.get(files.size() - 1).binaryName();
    }

    /** The {@link AutoVariantChild#fingerprint} of the model compiled into {@code dir}, in a JVM with {@code properties}. */
    static String fingerprint(Path dir, String modelClass, String... properties) throws Exception {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector"));
        command.addAll(List.of(properties));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), AutoVariantChild.class.getName(),
                dir.resolve("classes").toString(), modelClass));
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the child did not finish");
        assertEquals(0, p.exitValue(), Files.readString(err));
        return Files.readString(out).strip();
    }

    /** The float values of a {@link AutoVariantChild#fingerprint}, in order. */
    static float[] floats(String fingerprint) {
        List<Float> values = new ArrayList<>();
        for (String part : fingerprint.split("[|,]")) {
            if (!part.isEmpty()) {
                values.add(Float.intBitsToFloat(Integer.parseUnsignedInt(part, 16)));
            }
        }
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return v;
    }
}
