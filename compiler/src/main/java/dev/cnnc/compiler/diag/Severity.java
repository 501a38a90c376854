package dev.cnnc.compiler.diag;

import java.util.Locale;

public enum Severity {
    ERROR,
    WARNING,
    /** What cnnc did with something it read, such as the branch it took; never a problem. */
    NOTE;

    /** The word printed in a diagnostic: {@code error}, {@code warning} or {@code note}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
