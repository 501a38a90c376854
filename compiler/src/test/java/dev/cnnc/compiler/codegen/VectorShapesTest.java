package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.ir.Model;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every vector shape and register block of the Vector API kernels on this machine, whatever it is:
 * the model runs in JVMs of their own with {@code -Dcnnc.vector.bits=128|256|512} and
 * {@code -Dcnnc.vector.wide=true|false} (blocks of 4 or 2 vectors), and each computes what the
 * portable code computes, to rounding. A shape the machine lacks runs emulated: slowly, but exactly
 * as specified.
 */
class VectorShapesTest {
    /**
     * Channel counts that leave remainders for 128-, 256- and 512-bit vectors, in blocks of 1, 2 and 4
     * (a padded first layer's kernel gradient on zero-padded copies); a 13-wide second convolution from
     * 40 channels, whose kernel gradient takes blocks of 6 channels (34 filters: blocks of 4 vectors, or
     * of 2 on 512-bit vectors, and 2 filters one at a time); a 6-wide third convolution, whose
     * 16-register forward pass runs rows of 5 and its last column in blocks of 5 rows;
     * a relu-family layer (masks and blends, then a scalar tail); batch normalization over 20 channels
     * (vectors of channels, then single channels); depthwise passes over 24 and 10 channels.
     */
    static final String MODEL = """
            model ShapesNet
            input(13, 13, 3)
            Conv2D(40, (3, 3), padding='same', activation='relu')
            Conv2D(34, (3, 3), padding='same', activation='relu')
            MaxPooling2D((2, 2))
            ReLU(max_value=6.0, negative_slope=0.1, threshold=0.05)
            Conv2D(20, (3, 3), padding='same', activation='relu')
            BatchNormalization()
            SeparableConv2D(24, (3, 3), padding='same', activation='relu')
            SeparableConv2D(10, (2, 2), use_bias=False)
            DepthwiseConv2D(3, padding='same', activation='relu')
            Flatten()
            Dense(36, activation='relu')
            Dense(7, activation='softmax')
            """;

    @TempDir
    Path dir;

    @Test
    void everyVectorWidthAndRegisterBlockComputesWhatThePortableCodeComputes() throws Exception {
        CnnCompiler.Checked c = CnnCompiler.check(new SourceFile("ShapesNet.cnn", MODEL));
        assertTrue(c.ok(), c.diagnostics().render());
        Model model = c.model();
        CnnCompiler.Options options = new CnnCompiler.Options("shapes.test", false, CnnCompiler.Variant.VECTOR);
        float[] portable = ChildJvm.floats(AutoVariantChild.fingerprint(
                CnnCompiler.load(model, options.withVariant(CnnCompiler.Variant.PORTABLE)).create(4, 7L)));

        String modelClass = ChildJvm.compile(CnnCompiler.generate(model, options), dir);

        Set<String> distinct = new HashSet<>();
        for (int bits : new int[] {128, 256, 512}) {
            for (boolean wide : new boolean[] {false, true}) {
                String out = ChildJvm.fingerprint(dir, modelClass, "-Dcnnc.vector.bits=" + bits, "-Dcnnc.vector.wide=" + wide);
                distinct.add(out);
                float[] v = ChildJvm.floats(out);
                assertEquals(portable.length, v.length);
                for (int i = 0; i < v.length; i++) {
                    float tolerance = 1e-4f * Math.max(1, Math.abs(portable[i]));
                    assertEquals(portable[i], v[i], tolerance, bits + " bits, wide=" + wide + ", value " + i);
                }
            }
        }
        // The machine's own width and register file, as users run it.
        float[] chosen = ChildJvm.floats(ChildJvm.fingerprint(dir, modelClass));
        for (int i = 0; i < chosen.length; i++) {
            assertEquals(portable[i], chosen[i], 1e-4f * Math.max(1, Math.abs(portable[i])), "default widths, value " + i);
        }
        // The shapes really differ: their sums run in different orders, so some last bits differ.
        assertTrue(distinct.size() >= 3, "only " + distinct.size() + " distinct results");
    }
}
