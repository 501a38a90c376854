package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {
    @TempDir
    Path dir;

    private static List<Path> javaFiles(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    @Test
    void generateWritesSourcesThatCompile() throws Exception {
        Path out = dir.resolve("gen");
        MainTest.Result r = MainTest.run("generate", MainTest.example("examples/mnist/MnistCnn.cnn").toString(), "-d",
                out.toString(), "--package", "com.example.nets");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("9 files"), r.out());
        assertTrue(Files.exists(out.resolve("com/example/nets/MnistCnn.java")));
        assertTrue(Files.exists(out.resolve("com/example/nets/mnistcnn/Conv2d1.java")));
        List<Path> files = javaFiles(out);
        assertEquals(9, files.size());
        // the auto variant by default: the layers hold Vector API code too, javac needs the module
        assertTrue(r.out().contains("Compile them with javac --add-modules jdk.incubator.vector"), r.out());
        assertTrue(Files.readString(out.resolve("com/example/nets/mnistcnn/Conv2d1.java")).contains("class VectorApi"));
        String[] args = Stream.concat(Stream.of("-d", dir.resolve("classes").toString(), "-classpath",
                System.getProperty("java.class.path"), "--add-modules", "jdk.incubator.vector"),
                files.stream().map(Path::toString)).toArray(String[]::new);
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args), "javac failed");
    }

    @Test
    void portableSourcesCompileWithoutTheVectorModule() throws Exception {
        Path out = dir.resolve("gen");
        MainTest.Result r = MainTest.run("generate", MainTest.example("examples/mnist/MnistCnn.cnn").toString(), "-d",
                out.toString(), "--package", "com.example.nets", "--portable");
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.out().contains("--add-modules"), r.out());
        List<Path> files = javaFiles(out);
        for (Path f : files) {
            assertFalse(Files.readString(f).contains("jdk.incubator.vector"), f.toString());
        }
        String[] args = Stream.concat(Stream.of("-d", dir.resolve("classes").toString(), "-classpath",
                System.getProperty("java.class.path")), files.stream().map(Path::toString)).toArray(String[]::new);
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args), "javac failed");
        assertEquals(2, MainTest.run("generate", MainTest.example("examples/mnist/MnistCnn.cnn").toString(), "-d",
                out.toString(), "--variant", "fast").exit());
    }

    @Test
    void aSecondRunRewritesNothing() throws Exception {
        Path out = dir.resolve("gen");
        String cnn = MainTest.example("examples/mnist/MnistCnn.cnn").toString();
        assertEquals(0, MainTest.run("generate", cnn, "-d", out.toString()).exit());
        Path model = out.resolve("MnistCnn.java");
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(model, old);
        MainTest.Result again = MainTest.run("generate", cnn, "-d", out.toString());
        assertTrue(again.out().contains("(0 written, 9 unchanged)"), again.out());
        assertEquals(old, Files.getLastModifiedTime(model));
    }

    @Test
    void badPackageIsRefused() {
        MainTest.Result r = MainTest.run("generate", MainTest.example("examples/mnist/MnistCnn.cnn").toString(), "-d",
                dir.toString(), "--package", "../../etc");
        assertEquals(2, r.exit());
        assertEquals("cnnc: --package ../../etc: is not a Java package name (names of letters, digits and '_' separated by "
                + "'.')\n", r.err());
        assertFalse(Files.exists(dir.resolve("MnistCnn.java")));
    }

    @Test
    void showPrintsTheModelClassOrOneLayer() {
        String cnn = MainTest.example("examples/mnist/MnistCnn.cnn").toString();
        MainTest.Result model = MainTest.run("show", cnn);
        assertEquals(0, model.exit(), model.err());
        assertTrue(model.out().contains("public final class MnistCnn implements Network"), model.out());
        MainTest.Result layer = MainTest.run("show", cnn, "conv2d_2");
        assertTrue(layer.out().contains("public final class Conv2d2"), layer.out());
        assertTrue(layer.out().contains("public static final int IN_CHANNELS = 32;"), layer.out());
        assertEquals(layer.out(), MainTest.run("show", cnn, "Conv2d2").out());
        MainTest.Result missing = MainTest.run("show", cnn, "conv9");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("no layer 'conv9'"), missing.err());
    }
}
