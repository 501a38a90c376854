package dev.cnnc.compiler.codegen;

/**
 * Text from a {@code .cnn} file on its way into a generated comment. Nothing in it may end the
 * comment or change the code around it: {@code *}{@code /}, backslashes (javac reads Unicode
 * escapes even inside comments), line breaks and HTML are all escaped.
 */
public final class Comments {
    private Comments() {}

    /** Escapes {@code text} for a Javadoc or block comment, as HTML entities. */
    public static String javadoc(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '@' -> out.append("&#64;");
                case '\\' -> out.append("&#92;");
                case '/' -> out.append(i > 0 && text.charAt(i - 1) == '*' ? "&#47;" : "/");
                case '$' -> out.append("&#36;");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append("&#").append((int) c).append(';');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Escapes every line of {@code text} for a Javadoc, keeping the line breaks. */
    public static String javadocLines(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            out.append(out.length() > 0 ? "\n" : "").append(javadoc(line));
        }
        return out.toString();
    }

    /** Escapes {@code text} for a {@code //} comment: printable ASCII only, no backslash. */
    public static String line(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c < 0x20 || c > 0x7e || c == '\\') {
                out.append(String.format("<U+%04X>", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
