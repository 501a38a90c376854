package dev.cnnc.compiler.diag;

import java.util.Locale;

public enum Severity {
    ERROR,
    WARNING;

    /** The word printed in a diagnostic: {@code error} or {@code warning}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
