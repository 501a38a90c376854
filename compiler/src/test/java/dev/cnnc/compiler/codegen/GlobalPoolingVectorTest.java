package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.ir.Model;
import org.junit.jupiter.api.Test;

/**
 * Global pooling with the Vector API: 83 channels are blocks of 4 vectors, single vectors and 3
 * channels one at a time on 256-bit vectors (2 + 2 + 3) and on 512-bit ones (1 + 1 + 3). Average and
 * max, forward and backward, compute what the portable code computes, to rounding.
 */
class GlobalPoolingVectorTest {
    private static Model model(String pooling) {
        String text = "model Global\ninput(7, 6, 2)\nConv2D(83, (3, 3), activation='relu')\n" + pooling
                + "()\nDense(3, activation='softmax')\n";
        CnnCompiler.Checked c = CnnCompiler.check(new SourceFile("Global.cnn", text));
        assertTrue(c.ok(), c.diagnostics().render());
        return c.model();
    }

    @Test
    void averageAndMaxAgreeWithThePortableCode() {
        CnnCompiler.Options portable = new CnnCompiler.Options("global.test", false, CnnCompiler.Variant.PORTABLE);
        for (String pooling : new String[] {"GlobalAveragePooling2D", "GlobalMaxPooling2D"}) {
            Model model = model(pooling);
            String source = CnnCompiler.generate(model, portable.withVariant(CnnCompiler.Variant.VECTOR)).stream()
                    .filter(f -> f.simpleName().startsWith("Global")).filter(f -> !f.simpleName().equals("Global"))
                    .findFirst().orElseThrow().text();
            assertTrue(source.contains("4 vectors of channels at a time"), pooling + ": the vector code\n" + source);
            int compared = AutoVariantChild.assertVectorMatchesPortable(model, portable, 5, 9L);
            assertTrue(compared > 3 * 83, pooling + ": compared only " + compared + " values");
        }
    }
}
