package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.Sources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated sources compared byte for byte with copies checked in, Dagger-style, one folder per case
 * and backend: {@code src/test/resources/golden/<Model>/<portable|vector>/<package path>/<Class>.java}.
 * The cases are the MNIST example and the models of {@code golden/cases/} ('same' padding, strides,
 * dilation and a window too large to unroll; channels-first; regularizers, constraints and
 * initializers). A change to the generator shows up here as a reviewable diff: run with
 * {@code -Dgolden.update=true} to rewrite the copies, then read the diff.
 */
class GoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    static List<Arguments> cases() throws IOException {
        List<Path> sources = new ArrayList<>();
        sources.add(Sources.repositoryRoot().resolve("examples/mnist/MnistCnn.cnn"));
        try (Stream<Path> s = Files.list(GOLDEN.resolve("cases"))) {
            s.filter(p -> p.toString().endsWith(".cnn")).sorted().forEach(sources::add);
        }
        List<Arguments> cases = new ArrayList<>();
        for (Path source : sources) {
            String name = source.getFileName().toString().replace(".cnn", "");
            // auto (both variants, chosen at run time) for the MNIST model and the case where the Vector API
            // code falls back to portable code for some layers
            List<String> backends = name.equals("MnistCnn") || name.equals("ChannelsFirst")
                    ? List.of("portable", "vector", "auto") : List.of("portable", "vector");
            for (String backend : backends) {
                cases.add(Arguments.of(name, backend, source));
            }
        }
        return cases;
    }

    /** The MNIST model in the package of the example project that builds it; the others in their own. */
    private static String packageOf(String name) {
        return name.equals("MnistCnn") ? "dev.cnnc.examples.mnist" : "dev.cnnc.golden." + name.toLowerCase(java.util.Locale.ROOT);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void generatedSourcesMatchTheGoldenCopy(String name, String backend, Path source) throws IOException {
        CnnCompiler.Checked checked = CnnCompiler.check(Sources.read(source));
        assertTrue(checked.ok(), checked.diagnostics().render());
        List<GeneratedFile> files = CnnCompiler.generate(checked.model(),
                new CnnCompiler.Options(packageOf(name), false, CnnCompiler.Variant.valueOf(backend.toUpperCase(java.util.Locale.ROOT))));
        Path golden = GOLDEN.resolve(name).resolve(backend);
        if (Boolean.getBoolean("golden.update")) {
            if (Files.exists(golden)) {
                try (Stream<Path> old = Files.walk(golden)) {
                    for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            GeneratedSources.write(files, golden);
        }
        if (!Files.isDirectory(golden)) {
            fail("no golden copy " + golden + "; run with -Dgolden.update=true");
        }
        List<Path> present;
        try (Stream<Path> walk = Files.walk(golden)) {
            present = walk.filter(Files::isRegularFile).sorted().toList();
        }
        assertEquals(files.size(), present.size(), "generated " + files.size() + " files, golden has " + present);
        for (GeneratedFile f : files) {
            Path expected = GeneratedSources.pathOf(f, golden);
            if (!Files.exists(expected)) {
                fail("no golden file " + expected + "; run with -Dgolden.update=true");
            }
            String actual = f.text();
            if (!actual.equals(Files.readString(expected, StandardCharsets.UTF_8))) {
                Path out = Path.of("target/golden-actual").resolve(GOLDEN.toAbsolutePath().relativize(expected.toAbsolutePath()));
                Files.createDirectories(out.getParent());
                Files.writeString(out, actual);
                fail(expected + " differs from the generated source, written to " + out
                        + "; diff them, and run with -Dgolden.update=true if the change is intended");
            }
        }
    }
}
