package dev.cnnc.compiler.fuzz;

import dev.cnnc.compiler.codegen.GeneratedFile;
import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.ir.JavaNames;
import dev.cnnc.compiler.diag.Diagnostic;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.summary.Summary;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The robustness property of the whole compiler, shared by the fuzz test and the hostile-input
 * tests: for any text, {@link CnnCompiler#check} returns either diagnostics that all point inside
 * the text, or a model whose shapes are consistent and whose generated sources compile with
 * {@code javax.tools}. Anything else (an exception, a diagnostic outside the file, a model with
 * errors, sources that do not compile) fails with an {@link AssertionError} naming the problem.
 */
final class Pipeline {
    /** Models up to this many parameters are compiled with javac; bigger ones are only generated. */
    static final long MAX_COMPILED_PARAMETERS = 1_000_000;
    /** ... and up to this many layers (javac takes about 10 ms a class). */
    static final int MAX_COMPILED_LAYERS = 64;

    /** The javac options of the tests: every lint warning fails, as in InMemoryCompiler. */
    private static final List<String> JAVAC = List.of("-Xlint:all");

    /** SHA-256 of sources already compiled: mutations inside comments often give the same code. */
    private static final Set<String> COMPILED = Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 20_000;
        }
    });

    /** What one run did, for the fuzz test's counts. */
    record Outcome(CnnCompiler.Checked checked, int compiledVariants) {
        boolean ok() {
            return checked.ok();
        }
    }

    private Pipeline() {}

    /** Decodes fuzzer bytes as a .cnn file is read: UTF-8 (malformed bytes replaced), byte order mark dropped. */
    static String decode(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            // SourceFile.read refuses such a file; the checker still gets the text, to cover more.
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** Runs the property on {@code source}; {@code compile} allows javac on small models. */
    static Outcome run(SourceFile source, boolean compile) {
        CnnCompiler.Checked checked;
        try {
            checked = CnnCompiler.check(source);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw failure(source, "CnnCompiler.check threw " + e, e);
        }
        List<Diagnostic> diagnostics = checked.diagnostics().all();
        for (Diagnostic d : diagnostics) {
            checkDiagnostic(source, d);
        }
        boolean errors = diagnostics.stream().anyMatch(Diagnostic::isError);
        if (!checked.ok()) {
            if (!errors) {
                throw failure(source, "no model, yet no error was reported", null);
            }
            return new Outcome(checked, 0);
        }
        if (errors) {
            throw failure(source, "a model was returned despite errors:\n" + checked.diagnostics().render(), null);
        }
        Model model = checked.model();
        checkShapes(source, model);
        int compiled = 0;
        for (boolean vector : new boolean[] {false, true}) {
            List<GeneratedFile> files;
            String text;
            try {
                files = CnnCompiler.generate(model, new CnnCompiler.Options("fuzz", false, vector));
                Summary.of(model, true);
                StringBuilder all = new StringBuilder();
                for (GeneratedFile f : files) {
                    all.append(f.packageName()).append('/').append(f.simpleName()).append('\n').append(f.text());
                }
                text = all.toString();
            } catch (RuntimeException | StackOverflowError e) {
                throw failure(source, "generating " + (vector ? "the vector variant" : "the scalar variant") + " threw " + e, e);
            }
            if (files.size() != model.layers().size() + 1) {
                throw failure(source, files.size() + " files for " + model.layers().size() + " layers", null);
            }
            if (compile && small(model) && COMPILED.add(sha256(text))) {
                try {
                    // the path cnnc train takes, with -Xlint:all: any warning fails
                    CnnCompiler.load(model, new CnnCompiler.Options("fuzz", false, vector), JAVAC);
                } catch (IllegalStateException e) {
                    COMPILED.remove(sha256(text));
                    throw failure(source, "the generated " + (vector ? "vector" : "scalar") + " sources do not compile: "
                            + e.getMessage(), e);
                }
                compiled++;
            }
        }
        return new Outcome(checked, compiled);
    }

    static boolean small(Model model) {
        return model.parameterCount() < MAX_COMPILED_PARAMETERS && model.layers().size() <= MAX_COMPILED_LAYERS;
    }

    /** Lines and columns start at 1; the column may be one past the end of its line (a caret at the line end). */
    static void checkDiagnostic(SourceFile source, Diagnostic d) {
        int line = d.span().line();
        if (line < 1 || line > source.lineCount()) {
            throw failure(source, "diagnostic on line " + line + " of a " + source.lineCount() + "-line file: "
                    + d.headline(), null);
        }
        int length = source.line(line).length();
        if (d.span().column() < 1 || d.span().column() > length + 1) {
            throw failure(source, "diagnostic at column " + d.span().column() + " of a line of " + length + " characters: "
                    + d.headline(), null);
        }
        if (d.message().isBlank()) {
            throw failure(source, "empty message at " + d.span(), null);
        }
        d.render(); // must not throw either
    }

    /** Each layer's input is the previous layer's output; every size is positive. */
    static void checkShapes(SourceFile source, Model model) {
        if (model.layers().isEmpty()) {
            throw failure(source, "a model without layers", null);
        }
        var previous = model.inputShape();
        for (Layer layer : model.layers()) {
            if (!layer.inputShape().equals(previous)) {
                throw failure(source, layer.name() + " takes " + layer.inputShape() + " but follows an output of " + previous,
                        null);
            }
            if (layer.outputShape().size() <= 0 || layer.parameterCount() < 0) {
                throw failure(source, layer.name() + " has output " + layer.outputShape() + " and "
                        + layer.parameterCount() + " parameters", null);
            }
            previous = layer.outputShape();
        }
    }

    static AssertionError failure(SourceFile source, String problem, Throwable cause) {
        String text = source.text();
        String shown = printable(text.length() > 2000 ? text.substring(0, 2000) : text)
                + (text.length() > 2000 ? "\n... (" + text.length() + " characters)" : "");
        AssertionError e = new AssertionError(problem + "\n--- input (" + source.name() + ") ---\n" + shown
                + "\n--- end of input ---");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /** The text with every control character but the newline shown as a Java escape. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c >= 0x20 && c < 0x7f) || (c > 0x9f && !Character.isSurrogate(c))) {
                out.append(c);
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
        return out.toString();
    }

    private static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
