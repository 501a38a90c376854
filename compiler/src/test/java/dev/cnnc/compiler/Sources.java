package dev.cnnc.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.ir.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Test helpers: compile inline sources and find the repository's example files. */
public final class Sources {
    private Sources() {}

    /** Checks {@code text}, failing the test with the rendered diagnostics if it has errors. */
    public static Model model(String text) {
        return model("Test.cnn", text);
    }

    public static Model model(String name, String text) {
        CnnCompiler.Checked checked = CnnCompiler.check(new SourceFile(name, text));
        if (!checked.ok()) {
            fail("expected no errors, got:\n" + checked.diagnostics().render());
        }
        return checked.model();
    }

    public static CnnCompiler.Checked check(String text) {
        return CnnCompiler.check(new SourceFile("Test.cnn", text));
    }

    /** The repository root (the parent of the module directory the tests run in). */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("grammar"))) {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "repository root not found");
        return dir;
    }

    /** Every {@code .cnn} file under {@code examples/}, sorted. */
    public static List<Path> exampleFiles() throws IOException {
        try (Stream<Path> s = Files.walk(repositoryRoot().resolve("examples"))) {
            return s.filter(p -> p.toString().endsWith(".cnn")).filter(p -> !p.toString().contains("/target/")).sorted()
                    .toList();
        }
    }

    public static SourceFile read(Path path) throws IOException {
        return SourceFile.read(path, path.getFileName().toString());
    }
}
