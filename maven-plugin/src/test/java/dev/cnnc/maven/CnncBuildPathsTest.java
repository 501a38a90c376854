package dev.cnnc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

/** The plugin writes below its output directory and nowhere else, whatever the packageName parameter, a package line or a folder says. */
class CnncBuildPathsTest {
    static final String TINY = "input(4)\nDense(2)\n";

    @TempDir
    Path dir;

    Path src() {
        return dir.resolve("src/main/cnn");
    }

    Path out() {
        return dir.resolve("target/generated-sources/cnn");
    }

    private void model(String relative, String text) throws IOException {
        Path file = src().resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** Every file or directory written: anything outside src/. */
    private List<Path> written() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.startsWith(dir.resolve("src")) && !p.equals(dir)).sorted().toList();
        }
    }

    private CnncBuild build(CnncBuild.Config config) {
        return new CnncBuild(config, new CnncBuildTest.RecordingLog());
    }

    @ParameterizedTest(name = "packageName {0}")
    @ValueSource(strings = {"..", "../..", "../../etc", "a..b", "/etc", "a/b", "a\\b", ".a", "a.", "com.example.if"})
    void aPackageParameterThatIsNoJavaPackageFailsAndNothingIsWritten(String pkg) throws IOException {
        model("Net.cnn", TINY);
        CnncException e = assertThrows(CnncException.class, () -> build(CnncBuild.Config.of(src()).withPackageName(pkg))
                .generate(out(), dir.resolve("target/status")));
        assertTrue(e.getMessage().startsWith("packageName: "), e.getMessage());
        assertEquals(List.of(), written());
    }

    @Test
    void packageLinesThatWouldEscapeAreErrorsAndNothingIsWritten() throws IOException {
        model("a/One.cnn", "package ../../etc\n" + TINY);
        model("b/Two.cnn", "package /etc\n" + TINY);
        model("c/Three.cnn", "package a..b\n" + TINY);
        CnncBuildTest.RecordingLog log = new CnncBuildTest.RecordingLog();
        CnncException e = assertThrows(CnncException.class, () -> new CnncBuild(CnncBuild.Config.of(src()), log)
                .generate(out(), dir.resolve("target/status")));
        assertEquals("cnnc found 3 errors in 3 files", e.getMessage());
        assertEquals(List.of(), written());
    }

    @Test
    void foldersThatAreNoJavaPackagesAreErrorsAndNothingIsWritten() throws IOException {
        model("..x/One.cnn", TINY);
        model("a b/Two.cnn", TINY);
        model("if/Three.cnn", TINY);
        CnncException e = assertThrows(CnncException.class, () -> build(CnncBuild.Config.of(src()))
                .generate(out(), dir.resolve("target/status")));
        assertEquals("cnnc found 3 errors in 3 files", e.getMessage());
        assertEquals(List.of(), written());
    }
}
