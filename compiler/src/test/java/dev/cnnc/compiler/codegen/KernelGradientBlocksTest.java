package dev.cnnc.compiler.codegen;

import static dev.cnnc.compiler.codegen.TestModels.model;
import static dev.cnnc.compiler.codegen.TestModels.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.ir.Model;
import org.junit.jupiter.api.Test;

/**
 * The kernel gradient's blocks of 6 input channels ({@code kernelGradientWide6} with 32 registers,
 * {@code kernelGradient6} with 16, then blocks of 4): where a convolution takes them, and that the
 * Vector API code then computes what the portable code computes, in a layer's own backward pass and
 * in a first layer's pass through its max pooling (whose methods take a shift). {@link VectorShapesTest}
 * runs the first model's kind of layer on every vector width; {@code SixChannelBlocksTest} counts the blocks.
 */
class KernelGradientBlocksTest {
    /**
     * 40 channels in, 11 wide: 6 blocks of 6 and one of 4. 34 filters: on 512-bit vectors no block of 4
     * vectors (the 6-channel blocks of 2 vectors do them all) and 2 filters one at a time; on 256 and
     * 128 bits, blocks of 4 vectors and the same 2 filters. The 64 channels of the third convolution,
     * 3 wide, keep their blocks of 4.
     */
    static final String SIXES = """
            model Sixes
            input(15, 15, 3)
            Conv2D(40, (3, 3), activation='relu')
            Conv2D(34, (3, 3), activation='relu')
            Conv2D(64, (3, 3), strides=(3, 3), activation='relu')
            Conv2D(8, (3, 3), activation='relu')
            Flatten()
            Dense(3, activation='softmax')
            """;

    /** A first layer of 10 channels (one block of 6, one of 4), 8 wide, whose 2x2 pooling fuses into its backward pass. */
    static final String FUSED = """
            model FusedSixes
            input(10, 10, 10)
            Conv2D(32, (3, 3), activation='relu')
            MaxPooling2D((2, 2))
            Flatten()
            Dense(3, activation='softmax')
            """;

    @Test
    void wideOutputsTakeBlocksOfSixAndComputeWhatThePortableCodeComputes() {
        Model model = model("Sixes.cnn", SIXES);
        CnnCompiler.Options portable = new CnnCompiler.Options("sixes.test", false, CnnCompiler.Variant.PORTABLE);
        CnnCompiler.Options vector = portable.withVariant(CnnCompiler.Variant.VECTOR);
        String second = source(model, vector, "Conv2d2");
        assertTrue(second.contains("// 6 blocks of 6 input channels, then blocks of 4 (see kernelGradient6)"), second);
        assertTrue(second.contains("for (; c < 36; c += 6) {"), second);
        assertTrue(second.contains("kernelGradientWide6(in, dOut, dKernel, r0, r1, tap, c);"), second);
        assertTrue(second.contains("kernelGradient6(in, dOut, dKernel, r0, r1, tap, c);"), second);
        assertFalse(source(model, vector, "Conv2d1").contains("kernelGradient6"), "3 input channels: blocks of kernel rows");
        assertFalse(source(model, vector, "Conv2d3").contains("kernelGradient6"), "3 wide: blocks of 4");
        int compared = AutoVariantChild.assertVectorMatchesPortable(model, portable, 3, 13L);
        assertTrue(compared > 2 * 3 * 3 * 40 * 34, "compared only " + compared + " values");
    }

    @Test
    void aFusedFirstLayerTakesBlocksOfSixWithItsShift() {
        Model model = model("FusedSixes.cnn", FUSED);
        CnnCompiler.Options portable = new CnnCompiler.Options("sixes.test", false, CnnCompiler.Variant.PORTABLE);
        String first = source(model, portable.withVariant(CnnCompiler.Variant.VECTOR), "Conv2d1");
        assertTrue(first.contains("kernelGradientWide6(in, tile, dKernel, r0, r1, tap, c, r0 * OUT_WIDTH * FILTERS);"), first);
        assertTrue(first.contains("kernelGradient6(in, tile, dKernel, r0, r1, tap, c, r0 * OUT_WIDTH * FILTERS);"), first);
        int compared = AutoVariantChild.assertVectorMatchesPortable(model, portable, 5, 3L);
        assertTrue(compared > 2 * 3 * 3 * 10 * 32, "compared only " + compared + " values");
    }
}
