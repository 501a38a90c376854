package dev.cnnc.compiler.codegen;

import static dev.cnnc.compiler.codegen.TestModels.model;
import static dev.cnnc.compiler.codegen.TestModels.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.Sources;
import dev.cnnc.compiler.ir.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward pass and the kernel gradient of 3x3 convolutions by Winograd's F(2x2, 3x3): they compute
 * what the portable (direct) code computes, to rounding, on every vector width and register file, on odd and even
 * outputs (an odd one's last tiles cropped), valid and padded, with relu, another activation or none,
 * with and without bias; it really runs (its bits differ from the direct sums'), and only where it
 * pays.
 */
class WinogradTest {
    /**
     * Three 3x3 convolutions from 16 and 32 channels, with 4 examples of at least 64 tiles each: valid
     * with relu, 'same' with tanh, valid without bias or activation.
     */
    private static String net(int size) {
        return """
                model WinogradNet
                input(%d, %d, 16)
                Conv2D(32, (3, 3), activation='relu')
                Conv2D(32, (3, 3), padding='same', activation='tanh')
                Conv2D(16, (3, 3), use_bias=False)
                Flatten()
                Dense(5, activation='softmax')
                """.formatted(size, size);
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "input {0}x{0}")
    @ValueSource(ints = {11, 12})
    void computesWhatTheDirectSumsComputeOnEveryVectorShape(int size) throws Exception {
        Model model = model("WinogradNet.cnn", net(size));
        CnnCompiler.Options options = new CnnCompiler.Options("wtest.shapes", false, CnnCompiler.Variant.VECTOR);
        float[] portable = ChildJvm.floats(AutoVariantChild.fingerprint(
                CnnCompiler.load(model, options.withVariant(CnnCompiler.Variant.PORTABLE)).create(4, 7L)));
        String modelClass = ChildJvm.compile(CnnCompiler.generate(model, options), dir);
        for (int bits : new int[] {128, 256, 512}) {
            for (boolean wide : new boolean[] {false, true}) {
                String vector = ChildJvm.fingerprint(dir, modelClass, "-Dcnnc.vector.bits=" + bits,
                        "-Dcnnc.vector.wide=" + wide);
                assertClose(portable, ChildJvm.floats(vector), bits + " bits, wide=" + wide);
                if (size % 2 == 0) {
                    continue; // the odd size shows that Winograd runs
                }
                String direct = ChildJvm.fingerprint(dir, modelClass, "-Dcnnc.vector.bits=" + bits,
                        "-Dcnnc.vector.wide=" + wide, "-Dcnnc.winograd=false");
                assertClose(portable, ChildJvm.floats(direct), bits + " bits, wide=" + wide + ", direct");
                // Winograd ran: its sums are other than the direct ones, so some last bits differ
                assertNotEquals(direct, vector, bits + " bits, wide=" + wide + ": the same bits as the direct sums");
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4f * Math.max(1, Math.abs(expected[i])), what + ", value " + i);
        }
    }

    @Test
    void theMnistModelsSecondConvolutionTakesItAndTheModelPassesItsScratch() throws Exception {
        Model model = model("MnistCnn.cnn", Files.readString(Sources.repositoryRoot().resolve("examples/mnist/MnistCnn.cnn")));
        CnnCompiler.Options options = new CnnCompiler.Options("wtest.mnist", false, CnnCompiler.Variant.VECTOR);
        // 13x13 from 32 channels to 64: 36 tiles of 2x2 for 121 pixels
        String conv2 = source(model, options, "Conv2d2");
        assertTrue(conv2.contains("private static void winogradProducts(float[] s)"), conv2);
        assertTrue(conv2.contains("public static final int TILES = 36;"), conv2);
        assertTrue(source(model, options, "MnistCnn").contains(
                "Conv2d2.forward(maxPooling2d1Out, conv2d2Out, conv2d2Kernel, conv2d2Bias, conv2d2Scratch, n);"));
        // one input channel; a 3x3 output (4 tiles of 16 products for 9 pixels of 9: no gain)
        assertFalse(source(model, options, "Conv2d1").contains("winograd"));
        assertFalse(source(model, options, "Conv2d3").contains("winograd"));
        // the portable code keeps the direct sums
        assertFalse(source(model, options.withVariant(CnnCompiler.Variant.PORTABLE), "Conv2d2").contains("winograd"));
    }

    @Test
    void stridesDilationAndOtherKernelsKeepTheDirectSums() {
        Model model = model("Other.cnn", """
                model Other
                input(40, 40, 16)
                Conv2D(16, (3, 3), strides=(2, 2))
                Conv2D(16, (3, 3), dilation_rate=(2, 2))
                Conv2D(16, (5, 5))
                Conv2D(16, (3, 3))
                """);
        CnnCompiler.Options options = new CnnCompiler.Options("wtest.other", false, CnnCompiler.Variant.VECTOR);
        assertFalse(source(model, options, "Conv2d1").contains("winograd"));
        assertFalse(source(model, options, "Conv2d2").contains("winograd"));
        assertFalse(source(model, options, "Conv2d3").contains("winograd"));
        assertTrue(source(model, options, "Conv2d4").contains("winograd"));
    }
}
