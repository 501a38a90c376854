package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.ir.Model;

/** A checked model from a .cnn text, and one generated class's source, for the tests that read generated code. */
final class TestModels {
    private TestModels() {
    }

    /** The model of {@code text}, which must check without errors. */
    static Model model(String name, String text) {
        CnnCompiler.Checked c = CnnCompiler.check(new SourceFile(name, text));
        assertTrue(c.ok(), c.diagnostics().render());
        return c.model();
    }

    /** The source of the generated class {@code simpleName}. */
    static String source(Model model, CnnCompiler.Options options, String simpleName) {
        return CnnCompiler.generate(model, options).stream().filter(f -> f.simpleName().equals(simpleName))
                .findFirst().orElseThrow().text();
    }
}
