package dev.cnnc.cli;

import dev.cnnc.compiler.CnnCompiler;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * Which variant of the generated code a command that runs a model uses: the Vector API code by
 * default (./cnnc starts the JVM with {@code --add-modules jdk.incubator.vector}), the portable code
 * with {@code --portable} or, with a one-line note, where the JVM lacks the module.
 */
final class VectorOption {
    static final String NOTE = "note: running the portable code, several times slower than the Vector API code: "
            + "start the JVM with --add-modules jdk.incubator.vector (./cnnc does), or pass --portable to silence this";

    @Option(names = "--portable", description = {"Use the portable code (plain Java loops) instead of the Vector API",
            "code, which is the default where the JVM has jdk.incubator.vector (./cnnc adds it)."})
    boolean portable;

    @Option(names = "--vector", description = {"Require the Vector API code (the default): an error, not the",
            "portable fallback, if the JVM lacks --add-modules jdk.incubator.vector."})
    boolean vector;

    /** Whether to run the Vector API variant; notes the fallback on {@code err}. */
    boolean use(PrintWriter err) {
        return use(err, CnnCompiler.vectorAvailable());
    }

    /** {@link #use(PrintWriter)} on a JVM that has the Vector API module or not. */
    boolean use(PrintWriter err, boolean available) {
        if (portable && vector) {
            throw new Main.UserException("give --vector or --portable, not both", Main.USAGE);
        }
        if (portable) {
            return false;
        }
        if (available) {
            return true;
        }
        if (vector) {
            throw new Main.UserException("--vector needs the JVM option --add-modules jdk.incubator.vector "
                    + "(./cnnc adds it)", Main.USAGE);
        }
        err.println(NOTE);
        err.flush();
        return false;
    }
}
