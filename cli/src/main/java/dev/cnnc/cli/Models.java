package dev.cnnc.cli;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.load.NetworkFactory;
import java.io.PrintWriter;
import java.nio.file.Path;

/** From a {@code .cnn} file to a live network, through {@link CnnCompiler#load}, with the commands' messages. */
final class Models {
    private Models() {}

    /**
     * Null if the file has errors (they have been printed).
     *
     * @param vector generate the Vector API variant (needs {@code --add-modules jdk.incubator.vector})
     */
    static NetworkFactory load(Path file, PrintWriter err, boolean vector) {
        if (vector && !CnnCompiler.vectorAvailable()) {
            throw new Main.UserException("--vector needs the JVM option --add-modules jdk.incubator.vector "
                    + "(./cnnc adds it)", Main.USAGE);
        }
        CnnCompiler.Checked checked = Sources.check(file, err);
        if (!checked.ok()) {
            return null;
        }
        return CnnCompiler.load(checked.model(), CnnCompiler.Options.defaults().withVector(vector));
    }
}
