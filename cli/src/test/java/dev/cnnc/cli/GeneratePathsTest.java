package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code cnnc generate} writes below -d and nowhere else, whatever --package or the package line says. */
class GeneratePathsTest {
    @TempDir
    Path dir;

    private Path model(String text) throws IOException {
        Path file = dir.resolve("in/Net.cnn");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    /** Every path below the temporary directory but the input. */
    private List<Path> written() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.startsWith(dir.resolve("in")) && !p.equals(dir)).sorted().toList();
        }
    }

    @ParameterizedTest(name = "--package {0}")
    @ValueSource(strings = {"..", "../..", "../../etc", "a..b", "/etc", "/", "a/b", "a\\b", ".a", "a.", ".", "a.if",
        "com.example.class", "a b", "-"})
    void aPackageOptionThatIsNoJavaPackageIsRefusedAndNothingIsWritten(String pkg) throws IOException {
        Path cnn = model("model Net\ninput(4)\nDense(2)\n");
        Path out = dir.resolve("deep/out");
        MainTest.Result r = MainTest.run("generate", cnn.toString(), "-d", out.toString(), "--package", pkg);
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("cnnc: --package " + pkg + ": "), r.err());
        assertEquals(List.of(), written(), "nothing is written, not even the output directory");
    }

    @Test
    void aPackageLineThatWouldEscapeIsASyntaxErrorAndNothingIsWritten() throws IOException {
        for (String line : List.of("package ../../etc", "package /etc", "package a..b", "package ..")) {
            Path cnn = model(line + "\nmodel Net\ninput(4)\nDense(2)\n");
            MainTest.Result r = MainTest.run("generate", cnn.toString(), "-d", dir.resolve("out").toString());
            assertEquals(1, r.exit(), line + ": " + r.err());
            assertTrue(r.err().startsWith(cnn + ":1:"), r.err());
            assertTrue(r.err().contains(": error: "), r.err());
            assertEquals(List.of(), written(), line);
        }
    }

    @Test
    void anOutputDirectoryThatIsAFileIsAUsageErrorAndTheFileIsKept() throws IOException {
        Path cnn = model("model Net\ninput(4)\nDense(2)\n");
        Path file = dir.resolve("not-a-dir");
        Files.writeString(file, "keep me");
        MainTest.Result r = MainTest.run("generate", cnn.toString(), "-d", file.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("cnnc: cannot write to " + file + ": "), r.err());
        assertEquals("keep me", Files.readString(file));
        assertEquals(List.of(file), written());
    }

    @Test
    void aGoodPackageGoesBelowTheOutputDirectoryOnly() throws IOException {
        Path cnn = model("model Net\ninput(4)\nDense(2)\n");
        Path out = dir.resolve("out");
        MainTest.Result r = MainTest.run("generate", cnn.toString(), "-d", out.toString(), "--package", "a.b");
        assertEquals(0, r.exit(), r.err());
        for (Path p : written()) {
            assertTrue(p.startsWith(out), p.toString());
        }
        assertTrue(Files.exists(out.resolve("a/b/Net.java")));
        assertTrue(Files.exists(out.resolve("a/b/net/Dense1.java")));
    }

    /** The package rule of codegen.Names, as the Maven plugin applies it too: the file's line wins over --package. */
    @Test
    void theFilesPackageLineWinsOverPackageWithAWarning() throws IOException {
        Path cnn = model("package from.line\nmodel Net\ninput(4)\nDense(2)\n");
        Path out = dir.resolve("out");
        MainTest.Result r = MainTest.run("generate", cnn.toString(), "-d", out.toString(), "--package", "a.b");
        assertEquals(0, r.exit(), r.err());
        assertEquals(cnn + ": warning: the file's line 'package from.line' wins over --package a.b\n", r.err());
        assertTrue(Files.exists(out.resolve("from/line/Net.java")));
        assertTrue(Files.exists(out.resolve("from/line/net/Dense1.java")));
        assertTrue(Files.notExists(out.resolve("a")));
        MainTest.Result same = MainTest.run("generate", cnn.toString(), "-d", out.toString(), "--package", "from.line");
        assertEquals("", same.err());
    }
}
