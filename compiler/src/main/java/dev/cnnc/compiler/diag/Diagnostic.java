package dev.cnnc.compiler.diag;

import java.util.Locale;
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
    /** Longer messages are cut in the middle: they quote something huge from the file. */
    public static final int MAX_MESSAGE = 1000;

    /**
     * The message is made safe to print: one line of at most {@link #MAX_MESSAGE} characters,
     * without control characters (a string from the file may hold an escape sequence that would
     * rewrite the terminal, or a line break that would forge another diagnostic).
     */
    public Diagnostic {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(span, "span");
        message = printable(Objects.requireNonNull(message, "message"));
    }

    /**
     * {@code text} with control characters (C0, DEL, C1), Unicode line and paragraph separators and
     * bidirectional overrides written as escapes ({@code \n}, {@code \x1b}; U+202E as backslash-u202e), and cut to {@link #MAX_MESSAGE}
     * characters.
     */
    static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escape = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> c < 0x20 || (c >= 0x7f && c <= 0x9f) ? String.format("\\x%02x", (int) c)
                        : c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                        ? String.format("\\u%04x", (int) c)
                        : null;
            };
            if (escape != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (escape != null) {
                    out.append(escape);
                } else {
                    out.append(c);
                }
            }
        }
        String clean = out == null ? text : out.toString();
        if (clean.length() <= MAX_MESSAGE) {
            return clean;
        }
        int head = MAX_MESSAGE * 2 / 3;
        int tail = MAX_MESSAGE - head - 40;
        if (Character.isHighSurrogate(clean.charAt(head - 1))) {
            head--;
        }
        int from = clean.length() - tail;
        if (Character.isLowSurrogate(clean.charAt(from))) {
            from++;
        }
        return clean.substring(0, head) + " ... (" + String.format(Locale.ROOT, "%,d", from - head) + " characters cut) ... "
                + clean.substring(from);
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
