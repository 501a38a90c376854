package dev.cnnc.compiler;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.check.Checker;
import dev.cnnc.compiler.codegen.Backend;
import dev.cnnc.compiler.codegen.GeneratedFile;
import dev.cnnc.compiler.codegen.JavaGenerator;
import dev.cnnc.compiler.codegen.Names;
import dev.cnnc.compiler.codegen.portable.PortableBackend;
import dev.cnnc.compiler.codegen.vector.VectorBackend;
import dev.cnnc.compiler.diag.Diagnostics;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.layers.LayerKinds;
import dev.cnnc.compiler.load.InMemoryJavaCompiler;
import dev.cnnc.compiler.load.NetworkFactory;
import dev.cnnc.compiler.syntax.Ast;
import dev.cnnc.compiler.syntax.CnnSyntax;
import dev.cnnc.compiler.syntax.Script;
import dev.cnnc.runtime.Network;
import java.util.List;

/**
 * The compiler's entry point, used by the command line, the Maven plugin, the tests and the fuzzer
 * alike: a {@code .cnn} source to a checked model or diagnostics ({@link #check}), a model to Java
 * sources ({@link #generate}), a model to a live network compiled in memory ({@link #load}). It
 * wires the layer kinds into the checker and the backends into the generator.
 */
public final class CnnCompiler {
    /** The javac and java options the Vector API variant needs. */
    public static final List<String> VECTOR_OPTIONS = List.of("--add-modules", "jdk.incubator.vector");

    private CnnCompiler() {}

    /** The outcome of checking one file: the model ({@code null} if there were errors) and every diagnostic. */
    public record Checked(Model model, Diagnostics diagnostics) {
        public boolean ok() {
            return model != null;
        }
    }

    /**
     * Which code the layers get: {@link #PORTABLE} Java loops, which run on every JVM; the
     * {@link #VECTOR} API kernels of Conv2D (channels-last), Dense and max pooling, much faster, which
     * need {@link #VECTOR_OPTIONS} to compile and to run; or {@link #AUTO}: both, chosen when the
     * model's classes are first used ({@code dev.cnnc.runtime.VectorSupport}), so that the model runs
     * fast where the JVM has the module and everywhere else too. {@code AUTO} compiles with
     * {@link #VECTOR_OPTIONS}.
     */
    public enum Variant {
        PORTABLE, VECTOR, AUTO;

        /** {@code portable}, {@code vector}, {@code auto}: the names the plugin and the command line take. */
        public String option() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Whether compiling the code needs {@link #VECTOR_OPTIONS}. */
        public boolean needsVectorModule() {
            return this != PORTABLE;
        }
    }

    /**
     * How to generate.
     *
     * @param defaultPackage the model class's package when the file has no {@code package} line (null: the
     *     unnamed package); see {@link Names} for the rule
     * @param inputGradient also compute the gradient of the model's input in backward passes
     * @param variant the layers' code
     */
    public record Options(String defaultPackage, boolean inputGradient, Variant variant) {
        /** With {@code vector} true, the {@link Variant#VECTOR} variant, else {@link Variant#PORTABLE}. */
        public Options(String defaultPackage, boolean inputGradient, boolean vector) {
            this(defaultPackage, inputGradient, vector ? Variant.VECTOR : Variant.PORTABLE);
        }

        public static Options defaults() {
            return new Options(null, false, Variant.PORTABLE);
        }

        public Options withVector(boolean v) {
            return new Options(defaultPackage, inputGradient, v ? Variant.VECTOR : Variant.PORTABLE);
        }

        public Options withVariant(Variant v) {
            return new Options(defaultPackage, inputGradient, v);
        }

        /** Whether the layers' code uses the Vector API only ({@link Variant#VECTOR}). */
        public boolean vector() {
            return variant == Variant.VECTOR;
        }
    }

    /** Parses and checks {@code source}, inferring every shape. Never throws for bad input. */
    public static Checked check(SourceFile source) {
        return check(source, Script.Options.DEFAULT);
    }

    /**
     * Parses and checks {@code source}, answering a pasted script's questions with {@code options}
     * (which branch of {@code if K.image_data_format() == ...} to read, and what layers' data format is
     * then).
     */
    public static Checked check(SourceFile source, Script.Options options) {
        Diagnostics diagnostics = new Diagnostics(source);
        Ast.Program program = CnnSyntax.parse(diagnostics, options);
        Model model = program == null ? null
                : Args.withContext(new Args.Context(options.imageDataFormat(), program.undefinedNames()),
                        () -> Checker.check(program, diagnostics, LayerKinds.REGISTRY));
        return new Checked(model, diagnostics);
    }

    /** The model's Java sources: one class per layer and the model class, last. Pure and deterministic. */
    public static List<GeneratedFile> generate(Model model, Options options) {
        Backend backend = switch (options.variant()) {
            case PORTABLE -> PortableBackend.INSTANCE;
            case VECTOR -> VectorBackend.INSTANCE;
            case AUTO -> Backend.dispatch(VectorBackend.INSTANCE, PortableBackend.INSTANCE);
        };
        return JavaGenerator.generate(model, Names.packageOf(model, options.defaultPackage()), options.inputGradient(),
                backend);
    }

    /**
     * Generates the model's sources, compiles them in memory against this JVM's class path (which must
     * hold {@code cnnc-runtime}) and loads the model class.
     *
     * @throws IllegalStateException if the generated code does not compile (a bug in cnnc), or the Vector API
     *     variant is asked for in a JVM without {@code jdk.incubator.vector}
     */
    public static NetworkFactory load(Model model, Options options) {
        return load(model, options, List.of());
    }

    /** Like {@link #load(Model, Options)}, with more javac options (the tests add {@code -Xlint:all}: any warning fails). */
    public static NetworkFactory load(Model model, Options options, List<String> javacOptions) {
        if (options.vector() && !vectorAvailable()) {
            throw new IllegalStateException("the Vector API variant needs the JVM option --add-modules jdk.incubator.vector");
        }
        List<GeneratedFile> files = generate(model, options);
        InMemoryJavaCompiler.Compiled compiled = InMemoryJavaCompiler.compile(files, classpath(),
                CnnCompiler.class.getClassLoader(), javacOptions(options, javacOptions));
        GeneratedFile modelFile = files.get(files.size() - 1);
        return new NetworkFactory(model, compiled.load(modelFile.binaryName()).asSubclass(Network.class));
    }

    /**
     * The JVM's class path and the runtime's own location: inside a host with class loaders of its own (the
     * Maven plugin), the runtime is not on {@code java.class.path}.
     */
    private static String classpath() {
        String path = System.getProperty("java.class.path", "");
        try {
            java.security.CodeSource source = dev.cnnc.runtime.Network.class.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                String runtime = java.nio.file.Path.of(source.getLocation().toURI()).toString();
                path = path.isEmpty() ? runtime : path + java.io.File.pathSeparator + runtime;
            }
        } catch (java.net.URISyntaxException | SecurityException | IllegalArgumentException e) {
            // keep java.class.path alone
        }
        return path;
    }

    private static List<String> javacOptions(Options options, List<String> extra) {
        List<String> all = new java.util.ArrayList<>(extra);
        if (options.variant().needsVectorModule()) {
            all.addAll(VECTOR_OPTIONS);
        }
        return all;
    }

    /**
     * The multiply-adds of one example's forward pass and of its kernel gradients as the Vector API code
     * runs them with vectors of {@code lanes} floats (fewer than {@link Model#multiplyAdds()} where a
     * convolution takes Winograd's F(2x2, 3x3)).
     */
    public static long[] vectorMultiplyAdds(Model model, int lanes) {
        return dev.cnnc.compiler.codegen.vector.VectorBackend.executedMultiplyAdds(model, lanes);
    }

    /** True if this JVM has the Vector API ({@code --add-modules jdk.incubator.vector}). */
    public static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }
}
