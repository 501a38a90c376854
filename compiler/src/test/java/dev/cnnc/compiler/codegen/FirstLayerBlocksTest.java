package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.ir.Model;
import org.junit.jupiter.api.Test;

/**
 * A first layer's kernel gradient in blocks of kernel rows of unequal sizes: 5x5 from 3 channels is
 * 75 rows, 11, 11, 11, 11, 11, 10 and 10 with 32 vector registers and 15 blocks of 5 with 16; 48
 * filters add one-vector blocks on 512-bit vectors. The vector code on this machine's width computes
 * what the portable code computes, to rounding, for every output and gradient. (Its 2x2 pooling tiles
 * the first layer's output: the blocks run in {@code backwardThroughPooling}, {@link PoolingFusionTest}.)
 */
class FirstLayerBlocksTest {
    static final String MODEL = """
            model Blocks
            input(12, 12, 3)
            Conv2D(48, (5, 5), activation='relu')
            MaxPooling2D((2, 2))
            Conv2D(20, (3, 3), activation='relu')
            Flatten()
            Dense(5, activation='softmax')
            """;

    @Test
    void unequalBlocksOfKernelRowsAgreeWithThePortableCode() {
        CnnCompiler.Checked c = CnnCompiler.check(new SourceFile("Blocks.cnn", MODEL));
        assertTrue(c.ok(), c.diagnostics().render());
        Model model = c.model();
        CnnCompiler.Options portable = new CnnCompiler.Options("blocks.test", false, CnnCompiler.Variant.PORTABLE);
        String vectorConv = CnnCompiler.generate(model, portable.withVariant(CnnCompiler.Variant.VECTOR)).stream()
                .filter(f -> f.simpleName().equals("Conv2d1")).findFirst().orElseThrow().text();
        assertTrue(vectorConv.contains("kernelGradientTaps11(in, tile, dKernel, r0, r1, 44, r0 * OUT_WIDTH * FILTERS);"), "blocks of 11 with 32 registers");
        assertTrue(vectorConv.contains("kernelGradientTaps10(in, tile, dKernel, r0, r1, 65, r0 * OUT_WIDTH * FILTERS);"), "then of 10");
        assertTrue(vectorConv.contains("kernelGradientTaps5(in, tile, dKernel, r0, r1, 70, r0 * OUT_WIDTH * FILTERS);"), "15 blocks of 5 with 16");
        int compared = AutoVariantChild.assertVectorMatchesPortable(model, portable, 5, 3L);
        assertTrue(compared > 48 * 75, "compared only " + compared + " values");
    }
}
