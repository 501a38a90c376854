package dev.cnnc.compiler.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the diagnostics of one source file, in the order of their positions. */
public final class Diagnostics {
    private final SourceFile source;
    private final List<Diagnostic> all = new ArrayList<>();
    private long errors;

    public Diagnostics(SourceFile source) {
        this.source = source;
    }

    public SourceFile source() {
        return source;
    }

    public void error(Span span, String message) {
        all.add(new Diagnostic(Severity.ERROR, source, span, message));
        errors++;
    }

    public void warning(Span span, String message) {
        all.add(new Diagnostic(Severity.WARNING, source, span, message));
    }

    public boolean hasErrors() {
        return errors > 0;
    }

    public long errorCount() {
        return errors;
    }

    public long warningCount() {
        return all.size() - errorCount();
    }

    /** Every diagnostic, sorted by line and column; diagnostics at the same place keep their order. */
    public List<Diagnostic> all() {
        List<Diagnostic> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt((Diagnostic d) -> d.span().line()).thenComparingInt(d -> d.span().column()));
        return List.copyOf(sorted);
    }

    /** Every diagnostic rendered with its source line and caret, separated by newlines. */
    public String render() {
        StringBuilder out = new StringBuilder();
        for (Diagnostic d : all()) {
            out.append(d.render()).append('\n');
        }
        return out.toString();
    }
}
