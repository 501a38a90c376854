package dev.cnnc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.io.WeightsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Keras model file in the source directory: imported into a model class, its weights a resource beside it. */
class KerasModelBuildTest {
    static final Path KERAS_MODEL = Path.of("../examples/keras-import/src/main/cnn/dev/cnnc/examples/kerasimport/mnist_cnn.h5")
            .toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void anH5FileBecomesAModelClassAndAWeightsResource() throws Exception {
        Path src = dir.resolve("src/main/cnn");
        Files.createDirectories(src.resolve("com/example"));
        Files.copy(KERAS_MODEL, src.resolve("com/example/mnist_cnn.h5"));
        CnncBuildTest.RecordingLog log = new CnncBuildTest.RecordingLog();
        Path resources = dir.resolve("target/generated-resources/cnn");
        CnncBuild.Result r = new CnncBuild(CnncBuild.Config.of(src), log).generate(dir.resolve("out"),
                dir.resolve("status"), resources);
        assertEquals(1, r.models(), log.text());
        assertTrue(Files.readString(dir.resolve("out/com/example/MnistCnn.java")).contains("public final class MnistCnn"));
        Path weights = resources.resolve("com/example/MnistCnn.cnnw");
        WeightsFile.Contents c = WeightsFile.read(weights);
        assertTrue(c.architecture().startsWith("model MnistCnn\ninput 28 28 1\nconv2d_1/kernel 3 3 1 32\n"),
                c.architecture());
        assertTrue(log.text().contains("mnist_cnn.h5: weights in " + weights), log.text());
    }

    @Test
    void aBadH5FileIsAnErrorNamingIt() throws Exception {
        Path src = dir.resolve("src/main/cnn");
        Files.createDirectories(src);
        Path bad = src.resolve("broken.h5");
        Files.write(bad, java.util.Arrays.copyOf(Files.readAllBytes(KERAS_MODEL), 2000));
        CnncBuildTest.RecordingLog log = new CnncBuildTest.RecordingLog();
        assertThrows(CnncException.class, () -> new CnncBuild(CnncBuild.Config.of(src), log).generate(dir.resolve("out"),
                dir.resolve("status"), dir.resolve("res")));
        assertTrue(log.text().contains("ERROR " + bad + ": "), log.text());
        assertTrue(log.text().contains("a damaged or truncated file"), log.text());
    }
}
