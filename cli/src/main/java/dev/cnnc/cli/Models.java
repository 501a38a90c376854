package dev.cnnc.cli;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.codegen.InMemoryJavaCompiler;
import dev.cnnc.compiler.codegen.JavaGenerator;
import dev.cnnc.runtime.Network;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.util.List;

/** From a {@code .cnn} file to a live network: check, generate, compile in memory, load, construct. */
final class Models {
    private Models() {}

    /** A constructor of the model class: {@code (int batchSize, long seed)}. */
    record Factory(CnnCompiler.Checked checked, Constructor<?> constructor) {
        Network create(int batchSize, long seed) {
            try {
                return (Network) constructor.newInstance(batchSize, seed);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot construct the generated model", e);
            }
        }
    }

    /**
     * Null if the file has errors (they have been printed).
     *
     * @param vector generate the Vector API variant (needs {@code --add-modules jdk.incubator.vector})
     */
    static Factory load(Path file, PrintWriter err, boolean vector) {
        if (vector && ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new Main.UserException("--vector needs the JVM option --add-modules jdk.incubator.vector "
                    + "(./cnnc adds it when it sees --vector)", Main.USAGE);
        }
        CnnCompiler.Checked checked = Sources.check(file, err);
        if (!checked.ok()) {
            return null;
        }
        String pkg = "cnnc.generated";
        InMemoryJavaCompiler.Compiled compiled = InMemoryJavaCompiler.compile(
                JavaGenerator.generate(checked.model(), new JavaGenerator.Options(pkg, false, vector)),
                System.getProperty("java.class.path"), Models.class.getClassLoader(),
                vector ? JavaGenerator.VECTOR_OPTIONS : List.of());
        try {
            return new Factory(checked, compiled.load(pkg + "." + checked.model().name())
                    .getConstructor(int.class, long.class));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("the generated model has no (int, long) constructor", e);
        }
    }
}
