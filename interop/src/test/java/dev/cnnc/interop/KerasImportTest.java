package dev.cnnc.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.summary.Summary;
import dev.cnnc.interop.keras.KerasImport;
import dev.cnnc.interop.keras.KerasWeights;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.io.WeightsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keras .h5 files written by h5py in the Keras 2.2.4 and tf.keras layouts, imported by cnnc: the .cnn text
 * is what a person would write (golden files), and the imported model's outputs agree with TensorFlow.js'
 * predictions from the same file to 1e-5, for every layer kind cnnc imports.
 */
class KerasImportTest {
    static final double TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({"convs, keras224", "convs, tfkeras", "batchnorm, keras224", "batchnorm, tfkeras",
        "separable, keras224", "separable, tfkeras", "upsampling, keras224", "upsampling, tfkeras",
        "misc, keras224", "misc, tfkeras", "channelsfirst, keras224", "channelsfirst, tfkeras"})
    void importedModelsPredictAsTensorFlowJs(String model, String layout) throws Exception {
        Path fixtures = Oracles.fixtures();
        Path h5 = fixtures.resolve(model + "." + layout + ".h5");
        KerasImport.Imported imported = KerasImport.read(h5, "Imported");
        Path golden = Path.of("src/test/resources/keras/" + model + "." + layout + ".cnn");
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, imported.source());
        }
        assertEquals(Files.readString(golden), imported.source(), "the .cnn text of " + h5.getFileName());

        Path weights = tmp.resolve("imported.cnnw");
        KerasImport.writeWeights(imported, weights);
        Network net = CnnCompiler.load(imported.model(), CnnCompiler.Options.defaults()).create(8, 0);
        WeightsFile.load(weights, net);
        Path input = fixtures.resolve(model + ".input.f32");
        float[] x = Oracles.readFloats(input);
        float[] ours = net.forward(x, 8).clone();
        float[] theirs = Oracles.tensorflowJs(h5, input, 8, null);
        double diff = Oracles.maxRelativeDifference(ours, theirs);
        assertTrue(diff <= TOLERANCE, model + " (" + layout + "): cnnc and TensorFlow.js differ by " + diff
                + "\n cnnc " + Arrays.toString(Arrays.copyOf(ours, 6)) + "\n tfjs " + Arrays.toString(Arrays.copyOf(theirs, 6)));

        // the weights-only file of the same model loads by order into the imported model
        Network fresh = CnnCompiler.load(imported.model(), CnnCompiler.Options.defaults()).create(8, 0);
        KerasWeights.load(fixtures.resolve(model + ".weights.h5"), fresh);
        assertEquals(0.0, Oracles.maxRelativeDifference(fresh.forward(x, 8), ours), "weights-only file of " + model);
        System.out.printf("%s (%s): %d outputs, max relative difference to TensorFlow.js %.2e%n%s%n", model, layout,
                ours.length, diff, Summary.of(imported.model(), false));
    }
}
