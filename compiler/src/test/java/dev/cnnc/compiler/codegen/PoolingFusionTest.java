package dev.cnnc.compiler.codegen;

import static dev.cnnc.compiler.codegen.TestModels.model;
import static dev.cnnc.compiler.codegen.TestModels.source;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.runtime.Network;
import org.junit.jupiter.api.Test;

/**
 * A first convolution (relu) followed by a max pooling whose windows tile its output: the Vector
 * API model runs the convolution's {@code backwardThroughPooling} (the pooling's backward pass tile
 * by tile inside the kernel gradient) instead of the two passes. It must give the same bits as the
 * two passes (the same model generated with an input gradient, where the first layer does not fuse),
 * what the portable code gives to rounding, and the convolution's output gradient on demand.
 */
class PoolingFusionTest {
    /** 10x10 by 3x3 is 8x8: 2x2 windows tile it; 40 filters add a one-vector block on 512-bit vectors. */
    static final String FUSED = """
            model Fused
            input(10, 10, 2)
            Conv2D(40, (3, 3), activation='relu')
            MaxPooling2D((2, 2))
            Conv2D(8, (3, 3), activation='relu')
            Flatten()
            Dense(3, activation='softmax')
            """;

    /** 9x9 by 2x2 windows leaves a row and a column over: no fusion. */
    static final String LEFT_OVER = """
            model LeftOver
            input(11, 11, 1)
            Conv2D(16, (3, 3), activation='relu')
            MaxPooling2D((2, 2))
            Flatten()
            Dense(3, activation='softmax')
            """;

    @Test
    void theFusedPassGivesTheBitsOfTheTwoPasses() {
        Model model = model("Fused.cnn", FUSED);
        CnnCompiler.Options vector = new CnnCompiler.Options("fusion.test", false, CnnCompiler.Variant.VECTOR);
        CnnCompiler.Options unfused = new CnnCompiler.Options("fusion.test", true, CnnCompiler.Variant.VECTOR);
        String fusedModel = source(model, vector, "Fused");
        assertTrue(fusedModel.contains("Conv2d1.backwardThroughPooling(input, conv2d1Out, maxPooling2d1Out, dMaxPooling2d1Out,"),
                fusedModel);
        assertTrue(fusedModel.contains("// max_pooling2d_1's backward pass: in conv2d_1's backwardThroughPooling"));
        assertFalse(source(model, unfused, "Fused").contains("backwardThroughPooling"), "a first layer with an input gradient");
        for (int n : new int[] {1, 5}) {
            Network a = CnnCompiler.load(model, vector).create(n, 7L);
            Network b = CnnCompiler.load(model, unfused).create(n, 7L);
            assertEquals(AutoVariantChild.fingerprint(b, n), AutoVariantChild.fingerprint(a, n), "n = " + n);
        }
    }

    @Test
    void theFusedPassAgreesWithThePortableCodeAndCompletesTheOutputGradientOnDemand() {
        Model model = model("Fused.cnn", FUSED);
        CnnCompiler.Options portable = new CnnCompiler.Options("fusion.test", false, CnnCompiler.Variant.PORTABLE);
        int compared = AutoVariantChild.assertVectorMatchesPortable(model, portable, 5, 11L);
        assertTrue(compared > 18 * 40, "compared only " + compared + " values");

        Network p = CnnCompiler.load(model, portable).create(5, 11L);
        Network v = CnnCompiler.load(model, portable.withVariant(CnnCompiler.Variant.VECTOR)).create(5, 11L);
        float[] dConv = null;
        for (Network net : new Network[] {p, v}) {
            AutoVariantChild.fingerprint(net, 5);
            float[] g = net.layerOutputGradient(0);
            int size = 5 * 8 * 8 * 40;
            int nonZero = 0;
            for (int i = 0; i < size; i++) {
                nonZero += g[i] != 0 ? 1 : 0;
            }
            assertTrue(nonZero > size / 20, "the first layer's output gradient has " + nonZero + " non-zeros");
            if (dConv == null) {
                dConv = java.util.Arrays.copyOf(g, size);
            } else {
                assertArrayEquals(dConv, java.util.Arrays.copyOf(g, size), 1e-5f, "the output gradient of conv2d_1");
            }
        }
    }

    @Test
    void windowsThatLeaveRowsOverKeepTheTwoPasses() {
        Model model = model("LeftOver.cnn", LEFT_OVER);
        CnnCompiler.Options portable = new CnnCompiler.Options("fusion.test", false, CnnCompiler.Variant.PORTABLE);
        assertFalse(source(model, portable.withVariant(CnnCompiler.Variant.VECTOR), "LeftOver").contains("backwardThroughPooling"));
        assertTrue(AutoVariantChild.assertVectorMatchesPortable(model, portable, 3, 5L) > 0);
    }
}
