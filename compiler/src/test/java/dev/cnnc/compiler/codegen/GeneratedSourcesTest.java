package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.codegen.GeneratedFile;
import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.diag.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Generated sources are written below their root and nowhere else, whatever package or class a file claims. */
class GeneratedSourcesTest {
    @TempDir
    Path dir;

    private static GeneratedFile file(String pkg, String type) {
        return new GeneratedFile(pkg, type, "class " + type + " {}\n", null);
    }

    private List<Path> everything() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).sorted().toList();
        }
    }

    @ParameterizedTest(name = "package \"{0}\"")
    @ValueSource(strings = {"..", "../..", "../../etc", ".", "a..b", "a.", ".a", "/etc", "a/b", "a\\b", "a.b/../../c",
        "a.b.if", "a.b.class", "a.-", "a b", "a.b\u0000", "\u0430.b", "a.b\nc"})
    void aPackageThatWouldEscapeOrIsNoJavaPackageIsRefusedAndNothingIsWritten(String pkg) throws IOException {
        Path root = dir.resolve("out");
        GeneratedFile f = file(pkg, "X");
        IOException e = assertThrows(IOException.class, () -> GeneratedSources.pathOf(f, root));
        assertTrue(e.getMessage().startsWith("refusing to write package '" + pkg + "': "), e.getMessage());
        assertThrows(IOException.class, () -> GeneratedSources.write(List.of(file("ok", "A"), f), root));
        // the good file before it may be written, but nothing outside the root
        for (Path p : everything()) {
            assertTrue(p.startsWith(root), p + " is outside " + root);
        }
    }

    @Test
    void aClassNameThatWouldEscapeOrIsNoJavaClassIsRefused() throws IOException {
        Path root = dir.resolve("out").toAbsolutePath();
        for (String type : List.of("../X", "..", "../../../../X", "a/b", "..\\X", "/X", "", "if", "X.java", "X\u0000")) {
            IOException refused = assertThrows(IOException.class, () -> GeneratedSources.pathOf(file("a", type), root), type);
            assertTrue(refused.getMessage().startsWith("refusing to write class '" + type + "': "), refused.getMessage());
        }
        assertEquals(List.of(), everything());
    }

    @Test
    void goodPackagesGoBelowTheRoot() throws IOException {
        Path root = dir.resolve("out");
        assertEquals(root.toAbsolutePath().resolve("X.java"), GeneratedSources.pathOf(file("", "X"), root));
        assertEquals(root.toAbsolutePath().resolve("com/example/nets/X.java"),
                GeneratedSources.pathOf(file("com.example.nets", "X"), root));
        assertEquals(root.toAbsolutePath().resolve("a$b/_x/X.java"), GeneratedSources.pathOf(file("a$b._x", "X"), root));
        assertNull(Names.packageProblem("com.example_1.nets"));
        assertEquals("'if' is a Java keyword", Names.packageProblem("com.if"));
    }

    @Test
    void aPackageLineThatWouldEscapeIsASyntaxError() {
        for (String line : List.of("package ../../etc", "package ..", "package a..b", "package /etc", "package a/b",
                "package a.b.", "package .a", "package a.b\\c", "package a.'b'")) {
            CnnCompiler.Checked c = CnnCompiler.check(new SourceFile("T.cnn", line + "\nmodel M\ninput(4)\nDense(2)\n"));
            assertFalse(c.ok(), line);
            assertEquals(1, c.diagnostics().all().get(0).span().line(), line + ": " + c.diagnostics().render());
        }
        CnnCompiler.Checked keyword = CnnCompiler.check(new SourceFile("T.cnn", "package com.if\nmodel M\ninput(4)\nDense(2)\n"));
        assertEquals("package name 'com.if' is not a valid Java package: 'if' is a Java keyword",
                keyword.diagnostics().all().get(0).message());
    }

    @Test
    void writingAFileWhoseParentIsARegularFileFailsWithoutTouchingIt() throws IOException {
        Path blocker = dir.resolve("com");
        Files.writeString(blocker, "a file where a package directory should be");
        IOException e = assertThrows(IOException.class, () -> GeneratedSources.write(List.of(file("com.example", "X")), dir));
        assertTrue(e.getMessage().contains("com"), e.getMessage());
        assertEquals("a file where a package directory should be", Files.readString(blocker));
        assertEquals(List.of(blocker), everything());
    }
}
