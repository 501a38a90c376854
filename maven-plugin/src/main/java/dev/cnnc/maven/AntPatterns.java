package dev.cnnc.maven;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Ant-style include and exclude patterns over paths relative to a directory, written with {@code /}:
 * {@code *} matches within one folder, {@code **} any number of folders (also none, so {@code
 * **}{@code /*.cnn} matches {@code a.cnn} too), {@code ?} one character. A pattern ending in
 * {@code /} means everything below that folder.
 */
final class AntPatterns {
    private final List<Pattern> patterns = new ArrayList<>();
    private final int maxDepth;

    AntPatterns(List<String> patterns) {
        int depth = 0;
        for (String p : patterns) {
            String normalized = normalize(p);
            this.patterns.add(Pattern.compile(regex(normalized)));
            depth = normalized.contains("**") ? Integer.MAX_VALUE
                    : Math.max(depth, (int) normalized.chars().filter(c -> c == '/').count() + 1);
        }
        this.maxDepth = depth;
    }

    /** Whether any pattern matches {@code relativePath} (separated by {@code /}). */
    boolean matches(String relativePath) {
        for (Pattern p : patterns) {
            if (p.matcher(relativePath).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The deepest folder level a match can lie at: 1 for {@code *.cnn}, unlimited with {@code **}. */
    int maxDepth() {
        return maxDepth;
    }

    static String normalize(String pattern) {
        String p = pattern.trim().replace('\\', '/');
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.endsWith("/") || p.isEmpty()) {
            p += "**";
        }
        return p;
    }

    static String regex(String pattern) {
        StringBuilder r = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (pattern.startsWith("**/", i)) {
                r.append("(?:.*/)?");
                i += 3;
            } else if (pattern.startsWith("**", i)) {
                r.append(".*");
                i += 2;
            } else if (c == '*') {
                r.append("[^/]*");
                i++;
            } else if (c == '?') {
                r.append("[^/]");
                i++;
            } else {
                r.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return r.toString();
    }
}
