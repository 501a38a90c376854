package dev.cnnc.maven;

import com.palantir.javapoet.JavaFile;
import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.interop.InteropException;
import dev.cnnc.interop.keras.KerasImport;
import dev.cnnc.compiler.codegen.GeneratedFile;
import dev.cnnc.compiler.codegen.GeneratedSources;
import dev.cnnc.compiler.codegen.Names;
import dev.cnnc.compiler.diag.Diagnostic;
import dev.cnnc.compiler.diag.Severity;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.diag.Span;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.summary.Summary;
import dev.cnnc.compiler.syntax.Script;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What the cnnc Maven goals do, without Maven: finds the {@code .cnn} files below a source
 * directory, checks them all (reporting every diagnostic), and generates their Java sources into an
 * output directory, incrementally.
 *
 * <p>The Java package of a model is its file's {@code package} line; else its folder relative to
 * the source directory ({@code com/example/Net.cnn} gives {@code com.example}); else the configured
 * package name; else none.
 *
 * <p>Incremental: a status file records a hash of every input (paths and contents of the model
 * files, the generator's version and code, the parameters) and the files produced. When the hash is
 * unchanged and the outputs exist, nothing is read further and nothing is touched. Otherwise every
 * model is regenerated, files whose content is unchanged are not rewritten, and files in the output
 * directory that carry cnnc's header but are no longer produced are deleted (nothing else is).
 */
public final class CnncBuild {
    /** The first characters of every file cnnc generates; only such files are ever deleted. */
    public static final String GENERATED_HEADER = Names.HEADER_PREFIX;
    /** Model files, Keras training scripts pasted whole, and Keras model files ({@code model.save}) to import. */
    public static final List<String> DEFAULT_INCLUDES = List.of("**/*.cnn", "**/*.py", "**/*.h5");

    /**
     * @param sourceDirectory where the {@code .cnn} files are
     * @param includes Ant patterns relative to it (default {@code **}{@code /*.cnn} and {@code **}{@code /*.py}, pasted Keras scripts)
     * @param excludes Ant patterns to leave out
     * @param skipDirectories folders never searched (the build directory, when it lies below the sources)
     * @param packageName the package of models that have no {@code package} line and lie directly in the
     *     source directory; null for none
     * @param inputGradient generate models that also compute the gradient of their input
     * @param failOnWarning treat warnings as errors
     * @param variant the layers' code: {@code AUTO} (both codes, chosen when the model runs; the default),
     *     {@code VECTOR} or {@code PORTABLE}; compiling the first two needs {@code --add-modules jdk.incubator.vector}
     * @param script how pasted Keras scripts are read: what {@code K.image_data_format()} returns
     */
    public record Config(Path sourceDirectory, List<String> includes, List<String> excludes, List<Path> skipDirectories,
            String packageName, boolean inputGradient, boolean failOnWarning, CnnCompiler.Variant variant,
            Script.Options script) {
        public Config {
            sourceDirectory = sourceDirectory.toAbsolutePath().normalize();
            includes = includes == null || includes.isEmpty() ? DEFAULT_INCLUDES : List.copyOf(includes);
            excludes = excludes == null ? List.of() : List.copyOf(excludes);
            skipDirectories = skipDirectories == null ? List.of()
                    : skipDirectories.stream().map(p -> p.toAbsolutePath().normalize()).toList();
            packageName = packageName == null || packageName.isBlank() ? null : packageName.trim();
            variant = variant == null ? CnnCompiler.Variant.AUTO : variant;
            script = script == null ? Script.Options.DEFAULT : script;
        }

        /** The same with Keras' default image data format for pasted scripts. */
        public Config(Path sourceDirectory, List<String> includes, List<String> excludes, List<Path> skipDirectories,
                String packageName, boolean inputGradient, boolean failOnWarning, CnnCompiler.Variant variant) {
            this(sourceDirectory, includes, excludes, skipDirectories, packageName, inputGradient, failOnWarning, variant,
                    Script.Options.DEFAULT);
        }

        /** The defaults for {@code sourceDirectory}. */
        public static Config of(Path sourceDirectory) {
            return new Config(sourceDirectory, null, null, null, null, false, false, CnnCompiler.Variant.AUTO);
        }

        public Config withPackageName(String name) {
            return new Config(sourceDirectory, includes, excludes, skipDirectories, name, inputGradient, failOnWarning, variant, script);
        }

        public Config withPatterns(List<String> includePatterns, List<String> excludePatterns) {
            return new Config(sourceDirectory, includePatterns, excludePatterns, skipDirectories, packageName, inputGradient,
                    failOnWarning, variant, script);
        }

        public Config withFailOnWarning(boolean fail) {
            return new Config(sourceDirectory, includes, excludes, skipDirectories, packageName, inputGradient, fail, variant, script);
        }

        public Config withVariant(CnnCompiler.Variant v) {
            return new Config(sourceDirectory, includes, excludes, skipDirectories, packageName, inputGradient, failOnWarning, v, script);
        }

        public Config withScript(Script.Options options) {
            return new Config(sourceDirectory, includes, excludes, skipDirectories, packageName, inputGradient, failOnWarning,
                    variant, options);
        }

        public Config withInputGradient(boolean gradient) {
            return new Config(sourceDirectory, includes, excludes, skipDirectories, packageName, gradient, failOnWarning, variant, script);
        }
    }

    /** A model that passed its checks, and the Java package its classes go to. */
    public record CheckedModel(Path file, Model model, String packageName) {}

    /**
     * What {@link #generate} did.
     *
     * @param upToDate nothing had changed, so nothing was done
     * @param files the files the models generate
     * @param written files written (new or changed)
     * @param unchanged files left as they were because their content was already right
     * @param deleted stale generated files deleted
     */
    public record Result(int models, boolean upToDate, int files, int written, int unchanged, int deleted) {}

    private final Config config;
    private final BuildLog log;

    public CnncBuild(Config config, BuildLog log) {
        this.config = config;
        this.log = log;
    }

    public Config config() {
        return config;
    }

    // ---------------------------------------------------------------------------------------------
    // Finding the models

    /** The model files: absolute, sorted; none if the source directory does not exist. */
    public List<Path> sources() throws IOException {
        Path root = config.sourceDirectory();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        AntPatterns includes = new AntPatterns(config.includes());
        AntPatterns excludes = new AntPatterns(config.excludes());
        Set<Path> skip = new HashSet<>(config.skipDirectories());
        TreeSet<String> found = new TreeSet<>();
        Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), includes.maxDepth(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(root) && skip.contains(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String relative = slashes(root.relativize(file));
                if (attrs.isRegularFile() && includes.matches(relative) && !excludes.matches(relative)) {
                    found.add(relative);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                throw e;
            }
        });
        return found.stream().map(root::resolve).toList();
    }

    // ---------------------------------------------------------------------------------------------
    // Checking

    /** Checks every model file, logging every diagnostic. */
    public List<CheckedModel> check() throws CnncException, IOException {
        return check(sources());
    }

    private List<CheckedModel> check(List<Path> files) throws CnncException {
        checkPackageParameter();
        Tally tally = new Tally();
        List<CheckedModel> models = new ArrayList<>();
        for (Path file : files) {
            CheckedModel model = checkOne(file, tally);
            if (model != null) {
                models.add(model);
            }
        }
        tally.failIfNeeded();
        return models;
    }

    private void checkPackageParameter() throws CnncException {
        String problem = config.packageName() == null ? null : packageProblem(config.packageName());
        if (problem != null) {
            throw new CnncException("packageName: " + problem);
        }
    }

    /** Why {@code name} cannot be a Java package, as a sentence naming the culprit; null if it can. */
    static String packageProblem(String name) {
        String problem = Names.packageProblem(name);
        return problem == null ? null : problem.startsWith("'") ? problem : "'" + name + "' " + problem;
    }

    private CheckedModel checkOne(Path file, Tally tally) {
        SourceFile source;
        try {
            source = isKerasModel(file) ? imported(file, tally) : SourceFile.read(file, file.toString());
            if (source == null) {
                return null;
            }
        } catch (IOException e) {
            log.error(e.getMessage() != null ? e.getMessage() : file + ": cannot be read");
            tally.add(file, Severity.ERROR);
            return null;
        }
        CnnCompiler.Checked checked = CnnCompiler.check(source, config.script());
        for (Diagnostic d : checked.diagnostics().all()) {
            report(d, file, tally);
        }
        if (!checked.ok()) {
            return null;
        }
        Model model = checked.model();
        // The rule of Names.packageOf: the file's package line, else the folder below the source
        // directory, else the packageName parameter.
        String fallback = config.packageName() == null ? "" : config.packageName();
        Path folder = config.sourceDirectory().relativize(file.getParent());
        if (model.packageName() == null && !folder.toString().isEmpty()) {
            fallback = slashes(folder).replace('/', '.');
            String problem = packageProblem(fallback);
            if (problem != null) {
                report(new Diagnostic(Severity.ERROR, source, new Span(1, 1, 1), "the folder '" + slashes(folder)
                        + "' does not give a Java package: " + problem + "; add a line such as 'package com.example.nets'"
                        + " to the file, or rename the folder"), file, tally);
                return null;
            }
        }
        return new CheckedModel(file, model, Names.packageOf(model, fallback));
    }

    static boolean isKerasModel(Path file) {
        return file.getFileName().toString().endsWith(".h5");
    }

    /**
     * A Keras model file as the {@code .cnn} text {@code cnnc import} writes for it, named after the file
     * ({@code mnist_cnn.h5} gives {@code MnistCnn}); null after logging the import's error.
     */
    private SourceFile imported(Path file, Tally tally) {
        try {
            KerasImport.Imported imported = KerasImport.read(file, KerasImport.modelName(file));
            for (String w : imported.warnings()) {
                log.warn(file + ": warning: " + w);
                tally.add(file, Severity.WARNING);
            }
            return new SourceFile(file.toString(), imported.source());
        } catch (InteropException e) {
            log.error(e.getMessage());
            tally.add(file, Severity.ERROR);
            return null;
        }
    }

    private void report(Diagnostic d, Path file, Tally tally) {
        if (d.severity() == Severity.NOTE) {
            log.info(d.render()); // what cnnc did with a pasted script: never a problem, never counted
            return;
        }
        if (d.isError()) {
            log.error(d.render());
        } else {
            log.warn(d.render());
        }
        tally.add(file, d.severity());
    }

    /** Counts errors and warnings and the files they are in. */
    private final class Tally {
        long errors;
        long warnings;
        final Set<Path> errorFiles = new LinkedHashSet<>();
        final Set<Path> warningFiles = new LinkedHashSet<>();

        void add(Path file, Severity severity) {
            if (severity == Severity.ERROR) {
                errors++;
                errorFiles.add(file);
            } else {
                warnings++;
                warningFiles.add(file);
            }
        }

        void failIfNeeded() throws CnncException {
            if (errors > 0) {
                throw new CnncException("cnnc found " + count(errors, "error") + " in " + count(errorFiles.size(), "file"));
            }
            if (warnings > 0 && config.failOnWarning()) {
                throw new CnncException("cnnc found " + count(warnings, "warning") + " in "
                        + count(warningFiles.size(), "file") + " (failOnWarning is set)");
            }
        }
    }

    static String count(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    // ---------------------------------------------------------------------------------------------
    // Generating

    /**
     * Checks every model and generates its sources into {@code outputDirectory}, unless the status
     * file says nothing changed since the last successful run. The status file is written only after
     * success.
     *
     * @throws CnncException if a model has errors (or warnings, with failOnWarning); nothing is written then
     */
    public Result generate(Path outputDirectory, Path statusFile) throws CnncException, IOException {
        return generate(outputDirectory, statusFile, null);
    }

    /**
     * As {@link #generate(Path, Path)}, and writes the weights of each imported Keras model ({@code .h5}) as
     * {@code <package dirs>/<Name>.cnnw} below {@code resourceDirectory} (a resource root: the model class loads them
     * with {@code WeightsFile.load(Name.class.getResourceAsStream("Name.cnnw"), "Name.cnnw", model)}).
     */
    public Result generate(Path outputDirectory, Path statusFile, Path resourceDirectory) throws CnncException,
            IOException {
        Path out = outputDirectory.toAbsolutePath().normalize();
        List<Path> files = sources();
        String hash = hash(files, out);
        StatusFile previous = StatusFile.read(statusFile);
        if (previous != null && previous.hash().equals(hash) && Files.isDirectory(out)
                && previous.outputs().stream().allMatch(o -> Files.isRegularFile(out.resolve(o)))) {
            log.info(files.isEmpty() ? "cnnc: no .cnn files in " + config.sourceDirectory() + ", nothing to generate"
                    : "cnnc: all " + count(files.size(), "model") + " up to date");
            return new Result(files.size(), true, previous.outputs().size(), 0, 0, 0);
        }
        log.debug("cnnc: inputs changed (status " + (previous == null ? "missing" : previous.hash()) + ", now " + hash + ")");

        List<CheckedModel> models = check(files);
        List<GeneratedFile> sources = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Tally clashes = new Tally();
        Map<String, Path> owners = new HashMap<>();
        for (CheckedModel m : models) {
            List<GeneratedFile> generated = CnnCompiler.generate(m.model(),
                    new CnnCompiler.Options(m.packageName(), config.inputGradient(), config.variant()));
            for (GeneratedFile f : generated) {
                String relative = slashes(out.relativize(GeneratedSources.pathOf(f, out)));
                Path owner = owners.putIfAbsent(relative.toLowerCase(Locale.ROOT), m.file());
                if (owner != null) {
                    report(new Diagnostic(Severity.ERROR, m.model().source(), new Span(1, 1, 1), "this model generates "
                            + relative + ", as " + owner + " does: give one of them another name (a line such as 'model "
                            + m.model().name() + "2') or another package"), m.file(), clashes);
                    break;
                }
                outputs.add(relative);
            }
            sources.addAll(generated);
        }
        clashes.failIfNeeded();

        Files.deleteIfExists(statusFile); // a run that fails half-way must not look up to date later
        writeImportedWeights(models, resourceDirectory);
        Files.createDirectories(out);
        GeneratedSources.Written written = GeneratedSources.write(sources, out);
        int deleted = deleteStale(out, new HashSet<>(outputs));
        new StatusFile(hash, outputs).write(statusFile);
        if (models.isEmpty()) {
            log.info("cnnc: no .cnn files in " + config.sourceDirectory() + (deleted > 0 ? ", " + count(deleted,
                    "stale generated file") + " deleted" : ", nothing to generate"));
        } else {
            log.info("cnnc: " + count(models.size(), "model") + ", " + count(outputs.size(), "file") + " in " + out + " ("
                    + written.written() + " written, " + written.unchanged() + " unchanged, " + deleted + " stale deleted)");
        }
        return new Result(models.size(), false, outputs.size(), written.written(), written.unchanged(), deleted);
    }

    private void writeImportedWeights(List<CheckedModel> models, Path resources) throws CnncException, IOException {
        for (CheckedModel m : models) {
            if (!isKerasModel(m.file())) {
                continue;
            }
            if (resources == null) {
                throw new CnncException(m.file() + ": an imported Keras model needs a resource directory for its weights");
            }
            Path dir = resources.resolve(m.packageName().replace('.', '/'));
            Files.createDirectories(dir);
            Path weights = dir.resolve(m.model().name() + ".cnnw");
            try {
                KerasImport.writeWeights(new KerasImport.Imported(m.file(), m.model().name(), m.model().source().text(),
                        m.model(), List.of()), weights);
            } catch (InteropException e) {
                throw new CnncException(e.getMessage());
            }
            log.info("cnnc: " + m.file().getFileName() + ": weights in " + weights);
        }
    }

    /**
     * Deletes the {@code .java} files below {@code out} that carry cnnc's header but are not in
     * {@code keep}, then the folders that this leaves empty. Nothing else is deleted.
     */
    private int deleteStale(Path out, Set<String> keep) throws IOException {
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(out)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.getFileName().toString().endsWith(".java") && Files.isRegularFile(p)
                        && !keep.contains(slashes(out.relativize(p))) && isGenerated(p)) {
                    stale.add(p);
                }
            }
        }
        Set<Path> folders = new TreeSet<>((a, b) -> b.getNameCount() - a.getNameCount() != 0
                ? b.getNameCount() - a.getNameCount() : a.compareTo(b));
        for (Path p : stale) {
            Files.delete(p);
            log.debug("cnnc: deleted stale " + p);
            for (Path dir = p.getParent(); dir != null && !dir.equals(out) && dir.startsWith(out); dir = dir.getParent()) {
                folders.add(dir);
            }
        }
        for (Path dir : folders) { // deepest first
            if (isEmptyDirectory(dir)) {
                Files.delete(dir);
            }
        }
        return stale.size();
    }

    private static boolean isGenerated(Path file) throws IOException {
        byte[] header = GENERATED_HEADER.getBytes(StandardCharsets.UTF_8);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] start = in.readNBytes(header.length);
            return java.util.Arrays.equals(start, header);
        }
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Summaries

    /** Checks every model and logs its Keras-style summary table. */
    public List<CheckedModel> summaries() throws CnncException, IOException {
        List<Path> files = sources();
        if (files.isEmpty()) {
            log.info("cnnc: no .cnn files in " + config.sourceDirectory());
        }
        List<CheckedModel> models = check(files);
        for (CheckedModel m : models) {
            log.info("Model " + m.model().name() + " (" + m.file() + ")");
            for (String line : Summary.of(m.model(), false).split("\n", -1)) {
                if (!line.isEmpty()) {
                    log.info(line);
                }
            }
        }
        return models;
    }

    // ---------------------------------------------------------------------------------------------
    // The status hash

    private String hash(List<Path> files, Path out) throws IOException {
        MessageDigest d = sha256();
        update(d, "cnnc-maven-plugin status 1");
        update(d, "generator " + Fingerprint.VALUE);
        update(d, "source " + config.sourceDirectory());
        update(d, "output " + out);
        update(d, "includes " + config.includes());
        update(d, "excludes " + config.excludes());
        update(d, "skip " + config.skipDirectories());
        update(d, "packageName " + config.packageName());
        update(d, "inputGradient " + config.inputGradient());
        update(d, "variant " + config.variant());
        update(d, "failOnWarning " + config.failOnWarning());
        update(d, "imageDataFormat " + config.script().imageDataFormat());
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            update(d, "file " + slashes(config.sourceDirectory().relativize(file)) + " " + content.length);
            d.update(content);
        }
        return hex(d.digest());
    }

    /** The plugin's version and a hash of the code that generates, so that a changed snapshot regenerates. */
    private static final class Fingerprint {
        static final String VALUE = compute();

        private static String compute() {
            MessageDigest d = sha256();
            update(d, "version " + version());
            List<Class<?>> classes = new ArrayList<>(List.of(CnncBuild.class, CnnCompiler.class, JavaFile.class));
            try {
                classes.add(Class.forName("dev.cnnc.grammar.CnnParser", false, CnnCompiler.class.getClassLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                // the grammar moved: the compiler's own hash still changes with it
            }
            for (Class<?> c : classes) {
                update(d, "code " + c.getName());
                hashCodeSource(d, c);
            }
            return version() + "/" + hex(d.digest()).substring(0, 16);
        }

        private static void hashCodeSource(MessageDigest d, Class<?> c) {
            CodeSource source = c.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            try {
                Path path = location == null ? null : Path.of(location.toURI());
                if (path == null) {
                    update(d, "unknown");
                } else if (Files.isRegularFile(path)) {
                    d.update(Files.readAllBytes(path));
                } else if (Files.isDirectory(path)) {
                    try (Stream<Path> walk = Files.walk(path)) {
                        for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                            update(d, slashes(path.relativize(p)));
                            d.update(Files.readAllBytes(p));
                        }
                    }
                }
            } catch (IOException | URISyntaxException | RuntimeException e) {
                update(d, "unreadable " + location);
            }
        }
    }

    /** This plugin's version, from its build. */
    public static String version() {
        try (InputStream in = CnncBuild.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isEmpty() && !v.startsWith("$")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static void update(MessageDigest d, String text) {
        d.update(text.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x", b));
        }
        return s.toString();
    }

    static String slashes(Path relative) {
        return relative.toString().replace('\\', '/');
    }
}
