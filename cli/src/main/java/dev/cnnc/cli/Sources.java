package dev.cnnc.cli;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.diag.Diagnostic;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.syntax.Script;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Reading and checking a {@code .cnn} file for the commands, with diagnostics on stderr. */
final class Sources {
    /** How pasted scripts are read ({@link ScriptOption}); one command runs per JVM. */
    static Script.Options options = Script.Options.DEFAULT;

    private Sources() {}

    static SourceFile read(Path file) {
        try {
            return SourceFile.read(file, file.toString());
        } catch (IOException e) {
            throw new Main.UserException(e.getMessage() != null ? e.getMessage() : file + ": cannot be read", Main.USAGE);
        }
    }

    /** Checks {@code file}, prints its diagnostics and their count to {@code err}. */
    static CnnCompiler.Checked check(Path file, PrintWriter err) {
        CnnCompiler.Checked checked = CnnCompiler.check(read(file), options);
        for (Diagnostic d : checked.diagnostics().all()) {
            err.println(d.render());
        }
        long errors = checked.diagnostics().errorCount();
        long warnings = checked.diagnostics().warningCount();
        if (errors + warnings > 0) {
            err.println(count(errors, "error") + (warnings > 0 ? (errors > 0 ? ", " : "") + count(warnings, "warning") : ""));
        }
        err.flush();
        return checked;
    }

    private static String count(long n, String word) {
        return n == 0 ? "" : n + " " + word + (n == 1 ? "" : "s");
    }
}
