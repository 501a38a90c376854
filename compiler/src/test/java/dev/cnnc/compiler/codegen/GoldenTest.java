package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.palantir.javapoet.JavaFile;
import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.Sources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The generated sources of the MNIST example, compared byte for byte with the copy checked in under
 * {@code src/test/resources/golden/mnist}. A change to the generator shows up here as a reviewable
 * diff: run with {@code -Dgolden.update=true} to rewrite the copy, then read the diff.
 */
class GoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/mnist");

    @Test
    void mnistSourcesMatchTheGoldenCopy() throws IOException {
        Path source = Sources.repositoryRoot().resolve("examples/mnist/MnistCnn.cnn");
        CnnCompiler.Checked checked = CnnCompiler.check(Sources.read(source));
        List<JavaFile> files = JavaGenerator.generate(checked.model(),
                new JavaGenerator.Options("dev.cnnc.examples.mnist", false));
        if (Boolean.getBoolean("golden.update")) {
            if (Files.exists(GOLDEN)) {
                try (Stream<Path> old = Files.walk(GOLDEN)) {
                    for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            GeneratedSources.write(files, GOLDEN);
        }
        List<Path> golden;
        try (Stream<Path> walk = Files.walk(GOLDEN)) {
            golden = walk.filter(Files::isRegularFile).sorted().toList();
        }
        assertEquals(files.size(), golden.size(), "generated " + files.size() + " files, golden has " + golden);
        for (JavaFile f : files) {
            Path expected = GeneratedSources.pathOf(f, GOLDEN);
            if (!Files.exists(expected)) {
                fail("no golden file " + expected + "; run with -Dgolden.update=true");
            }
            String actual = f.toString();
            if (!actual.equals(Files.readString(expected, StandardCharsets.UTF_8))) {
                Path out = Path.of("target/golden-actual").resolve(GOLDEN.toAbsolutePath().relativize(expected));
                Files.createDirectories(out.getParent());
                Files.writeString(out, actual);
                fail(expected + " differs from the generated source, written to " + out
                        + "; diff them, and run with -Dgolden.update=true if the change is intended");
            }
        }
    }
}
