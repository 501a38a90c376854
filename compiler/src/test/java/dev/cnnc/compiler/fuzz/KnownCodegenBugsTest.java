package dev.cnnc.compiler.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.codegen.InMemoryJavaCompiler;
import dev.cnnc.compiler.codegen.JavaGenerator;
import dev.cnnc.compiler.diag.SourceFile;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The code generation bugs the fuzzer and the injection tests found, reported rather than fixed
 * here (docs/robustness.md): each file under {@code known-codegen-bugs/} is a valid model whose
 * generated sources do not compile. This test fails as soon as one of them compiles, so that the
 * fix is noticed: then move the file into the fuzz corpus and remove its rule from
 * {@link Pipeline#knownCodegenBug}, which keeps the fuzzer from stopping at these known bugs.
 */
class KnownCodegenBugsTest {
    static Stream<Path> files() throws IOException, URISyntaxException {
        Path dir = Path.of(KnownCodegenBugsTest.class.getResource("known-codegen-bugs").toURI());
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void stillDoesNotCompileAndIsRecognized(Path file) throws IOException {
        CnnCompiler.Checked checked = CnnCompiler.check(SourceFile.read(file, "Bug.cnn"));
        assertTrue(checked.ok(), checked.diagnostics().render());
        assertNotNull(Pipeline.knownCodegenBug(checked.model()), "Pipeline.knownCodegenBug must recognize " + file);
        for (boolean vector : new boolean[] {false, true}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> InMemoryJavaCompiler.compile(
                    JavaGenerator.generate(checked.model(), new JavaGenerator.Options("p", false, vector)),
                    System.getProperty("java.class.path"), getClass().getClassLoader(), JavaGenerator.VECTOR_OPTIONS),
                    file.getFileName() + " compiles now: the bug is fixed; move it into the fuzz corpus and drop its rule");
            assertTrue(e.getMessage().startsWith("generated code did not compile cleanly"), e.getMessage());
        }
    }

    /** The rules are narrow: near misses are compiled, and compile. */
    @Test
    void nearMissesAreNotTakenForKnownBugs() {
        for (String text : List.of("model Net\ninput(4)\nDense(2, name='floats')\n", "model N\ninput(4)\nDense(2)\n",
                "model Net\ninput(4)\nDense(2, name='string')\n", "model Maths\ninput(4)\nDense(2, activation='softplus')\n")) {
            var model = CnnCompiler.check(new SourceFile("T.cnn", text)).model();
            assertNull(Pipeline.knownCodegenBug(model), text);
            assertTrue(Pipeline.run(new SourceFile("T.cnn", text), true).compiledVariants() > 0, text);
        }
    }
}
