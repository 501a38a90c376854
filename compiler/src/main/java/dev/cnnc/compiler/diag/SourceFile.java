package dev.cnnc.compiler.diag;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The text of one {@code .cnn} file and the name it is reported under. */
public final class SourceFile {
    private final String name;
    private final String text;
    private final int[] lineStarts;

    public SourceFile(String name, String text) {
        this.name = Objects.requireNonNull(name, "name");
        this.text = Objects.requireNonNull(text, "text");
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
                starts.add(i + 1);
            }
        }
        this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The name used in diagnostics, usually the path as the user gave it. */
    public String name() {
        return name;
    }

    public String text() {
        return text;
    }

    /** The file name without directories and without the {@code .cnn} extension. */
    public String baseName() {
        String base = name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        return base.endsWith(".cnn") ? base.substring(0, base.length() - 4) : base;
    }

    public int lineCount() {
        return lineStarts.length;
    }

    /** The text of line {@code line} (1-based), without its line terminator. */
    public String line(int line) {
        if (line < 1 || line > lineStarts.length) {
            return "";
        }
        int start = lineStarts[line - 1];
        int end = line < lineStarts.length ? lineStarts[line] : text.length();
        while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(start, end);
    }
}
