package dev.cnnc.compiler.diag;

/**
 * A place in a source file: a 1-based line and column and the length of the text it covers (at
 * least 1, so that a caret can always be drawn). A span that crosses lines is drawn on its first
 * line only.
 */
public record Span(int line, int column, int length) {

    public Span {
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column are 1-based: " + line + ":" + column);
        }
        length = Math.max(1, length);
    }

    /** A span from the start of {@code first} to the end of {@code last}, if both are on one line. */
    public static Span covering(Span first, Span last) {
        if (first.line != last.line) {
            return first;
        }
        return new Span(first.line, first.column, last.column + last.length - first.column);
    }

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
