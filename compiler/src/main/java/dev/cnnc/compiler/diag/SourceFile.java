package dev.cnnc.compiler.diag;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

    /** Files larger than this are refused unread. */
    public static final long MAX_BYTES = 4L << 20;

    /**
     * Reads a UTF-8 {@code .cnn} file, reported under {@code displayName}.
     *
     * @throws IOException with a message that names the file and says what is wrong
     */
    public static SourceFile read(Path path, String displayName) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException(displayName + ": is a directory, not a .cnn file");
        }
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new IOException(displayName + ": no such file");
        }
        if (size > MAX_BYTES) {
            throw new IOException(String.format("%s: file is too large (%,d bytes; the limit is %,d)", displayName, size,
                    MAX_BYTES));
        }
        byte[] bytes = Files.readAllBytes(path);
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1); // byte order mark
            }
            return new SourceFile(displayName, text);
        } catch (CharacterCodingException e) {
            throw new IOException(displayName + ": is not UTF-8 text");
        }
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
        for (String extension : new String[] {".cnn", ".py"}) {
            if (base.endsWith(extension)) {
                return base.substring(0, base.length() - extension.length());
            }
        }
        return base;
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
