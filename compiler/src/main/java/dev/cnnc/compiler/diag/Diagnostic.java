package dev.cnnc.compiler.diag;

import java.util.Objects;

/**
 * One problem found in a source file, printed the way javac and clang print theirs:
 *
 * <pre>
 * MnistCnn.cnn:5:8: error: filters must be a positive integer, found 0
 *     Conv2D(0, (3, 3), activation='relu')
 *            ^
 * </pre>
 */
public record Diagnostic(Severity severity, SourceFile source, Span span, String message) {

    public Diagnostic {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(span, "span");
        Objects.requireNonNull(message, "message");
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code FILE:LINE:COL: error: message}, the first line of {@link #render()}. */
    public String headline() {
        return source.name() + ":" + span.line() + ":" + span.column() + ": " + severity.label() + ": " + message;
    }

    /** The headline, the source line and a caret line under the offending text. */
    public String render() {
        String line = source.line(span.line());
        StringBuilder caret = new StringBuilder();
        int start = Math.min(span.column() - 1, line.length());
        for (int i = 0; i < start; i++) {
            caret.append(line.charAt(i) == '\t' ? '\t' : ' ');
        }
        caret.append('^');
        int end = Math.min(start + span.length(), line.length());
        for (int i = start + 1; i < end; i++) {
            caret.append('~');
        }
        return headline() + "\n" + line + "\n" + caret;
    }

    @Override
    public String toString() {
        return headline();
    }
}
