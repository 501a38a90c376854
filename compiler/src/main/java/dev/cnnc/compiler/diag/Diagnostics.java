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

    /**
     * Reports an error, unless one was already reported at exactly this span: one problem per place
     * (an undefined name is reported where it is used, not again as a wrong argument there).
     */
    public void error(Span span, String message) {
        for (Diagnostic d : all) {
            if (d.severity() == Severity.ERROR && d.span().equals(span)) {
                return;
            }
        }
        all.add(new Diagnostic(Severity.ERROR, source, span, message));
        errors++;
    }

    /** A note: what cnnc did with something it read (the branch of an {@code if} it took, statements it skipped). */
    public void note(Span span, String message) {
        all.add(new Diagnostic(Severity.NOTE, source, span, message));
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
        return all.stream().filter(d -> d.severity() == Severity.WARNING).count();
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
