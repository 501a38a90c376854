package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.ir.Model;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The portable Dense has two codes: row copies for kernels up to a million floats, plain loops above
 * (three copies of a large kernel per replica would cost too much memory). Both compute what the
 * Vector API code computes, to rounding.
 */
class DensePathsTest {
    /** dense_1's kernel has 1,024 x 1,025 floats, above the limit; dense_2's is small. */
    static final String MODEL = """
            model Wide
            input(1024)
            Dense(1025, activation='relu')
            Dense(3, activation='softmax')
            """;

    @Test
    void aLargeKernelKeepsThePlainLoopsAndBothCodesAgreeWithTheVectorCode() {
        CnnCompiler.Checked c = CnnCompiler.check(new SourceFile("Wide.cnn", MODEL));
        assertTrue(c.ok(), c.diagnostics().render());
        Model model = c.model();
        CnnCompiler.Options portable = new CnnCompiler.Options("dense.test", false, CnnCompiler.Variant.PORTABLE);
        List<GeneratedFile> files = CnnCompiler.generate(model, portable);
        String dense1 = files.stream().filter(f -> f.simpleName().equals("Dense1")).findFirst().orElseThrow().text();
        String dense2 = files.stream().filter(f -> f.simpleName().equals("Dense2")).findFirst().orElseThrow().text();
        assertFalse(dense1.contains("float[][] rows"), "dense_1 should keep the plain loops");
        assertTrue(dense2.contains("float[][] rows"), "dense_2 should use row copies");

        agree(model, portable, 4);
    }

    /**
     * 5 examples: the vector input gradient's block of 4 rows, then a row alone (dense_2's 1,025 inputs
     * also leave a tail beyond the vectors); each gradient as the portable code computes it.
     */
    @Test
    void aBatchOfFiveRunsTheBlockOfFourRowsAndARowAlone() {
        CnnCompiler.Checked c = CnnCompiler.check(new SourceFile("Wide.cnn", MODEL));
        assertTrue(c.ok(), c.diagnostics().render());
        agree(c.model(), new CnnCompiler.Options("dense.test", false, CnnCompiler.Variant.PORTABLE), 5);
    }

    private static void agree(Model model, CnnCompiler.Options portable, int n) {
        AutoVariantChild.assertVectorMatchesPortable(model, portable, n, 7L);
    }
}
