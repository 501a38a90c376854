package dev.cnnc.compiler;

import dev.cnnc.compiler.check.Checker;
import dev.cnnc.compiler.diag.Diagnostics;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.layers.LayerKinds;
import dev.cnnc.compiler.syntax.Ast;
import dev.cnnc.compiler.syntax.CnnSyntax;

/** The compiler's entry point: a {@code .cnn} source in, a checked model or diagnostics out. */
public final class CnnCompiler {
    private CnnCompiler() {}

    /** The outcome of checking one file: the model ({@code null} if there were errors) and every diagnostic. */
    public record Checked(Model model, Diagnostics diagnostics) {
        public boolean ok() {
            return model != null;
        }
    }

    /** Parses and checks {@code source}, inferring every shape. Never throws for bad input. */
    public static Checked check(SourceFile source) {
        Diagnostics diagnostics = new Diagnostics(source);
        Ast.Program program = CnnSyntax.parse(diagnostics);
        Model model = program == null ? null : Checker.check(program, diagnostics, LayerKinds.REGISTRY);
        return new Checked(model, diagnostics);
    }
}
