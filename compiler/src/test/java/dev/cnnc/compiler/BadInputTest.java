package dev.cnnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.diag.Diagnostic;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.layers.LayerKinds;
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
 * Every file under {@code src/test/resources/bad/} is a model with mistakes; its {@code # expect:}
 * lines list the exact diagnostics ({@code LINE:COL: severity: message}) the compiler must report,
 * in order, and nothing else.
 */
class BadInputTest {
    private static final String EXPECT = "# expect: ";

    static Stream<Path> badFiles() throws IOException, URISyntaxException {
        Path dir = Path.of(BadInputTest.class.getResource("/bad").toURI());
        return Files.list(dir).filter(p -> p.toString().endsWith(".cnn")).sorted();
    }

    /** In an expectation, stands for the list of supported layers, so that a new layer kind is no edit here. */
    private static final String SUPPORTED = "{supported layers}";

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void reportsExactlyTheExpectedDiagnostics(Path file) throws IOException {
        SourceFile source = SourceFile.read(file, file.getFileName().toString());
        List<String> expected = source.text().lines().filter(l -> l.startsWith(EXPECT))
                .map(l -> l.substring(EXPECT.length()).replace(SUPPORTED, String.join(", ", LayerKinds.REGISTRY.names())))
                .toList();
        assertFalse(expected.isEmpty(), file + " has no '# expect:' lines");

        CnnCompiler.Checked checked = CnnCompiler.check(source);

        assertFalse(checked.ok(), "a bad file must not compile");
        List<String> actual = checked.diagnostics().all().stream()
                .map(d -> d.headline().substring(source.name().length() + 1)).toList();
        assertEquals(expected, actual, checked.diagnostics().render());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void everyDiagnosticPointsInsideTheFile(Path file) throws IOException {
        SourceFile source = SourceFile.read(file, file.getFileName().toString());
        for (Diagnostic d : CnnCompiler.check(source).diagnostics().all()) {
            assertTrue(d.span().line() <= source.lineCount(), d.headline());
            assertTrue(d.span().column() <= source.line(d.span().line()).length() + 1, d.headline());
        }
    }
}
