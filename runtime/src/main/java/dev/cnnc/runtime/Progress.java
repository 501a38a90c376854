package dev.cnnc.runtime;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Keras 2.2.4's progress bar ({@code keras/utils/generic_utils.py Progbar}): {@code 60000/60000
 * [==============================] - 10s 169us/step - loss: 0.1833 - acc: 0.9419}. On a terminal
 * the line is redrawn in place with {@code \r}; elsewhere (a CI log) only the final line is printed.
 */
public final class Progress {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 50_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final int target;
    private final String unit;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int lastWidth;

    public Progress(PrintStream out, boolean terminal, int target) {
        this(out, terminal, target, "step");
    }

    /** A bar whose final line gives the time per {@code unit} ({@code 280us/image}) instead of per step. */
    public Progress(PrintStream out, boolean terminal, int target, String unit) {
        this.out = out;
        this.terminal = terminal;
        this.target = target;
        this.unit = unit;
    }

    /** Shows progress at {@code current} of the target, with the metrics so far. */
    public void update(int current, String metrics) {
        long now = System.nanoTime();
        if (!terminal || (now - lastDraw < REDRAW_NANOS && current < target)) {
            return;
        }
        lastDraw = now;
        String line = bar(current) + eta(current, now) + metrics;
        out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
        lastWidth = line.length();
        out.flush();
    }

    /** Prints the final line: the full bar, total time, time per example, and the metrics. */
    public void done(String metrics) {
        long now = System.nanoTime();
        double seconds = (now - start) / 1e9;
        String line = bar(target) + String.format(Locale.ROOT, " - %ds", (long) seconds) + perStep(seconds / Math.max(1, target)).replace("/step", "/" + unit) + metrics;
        out.print((terminal ? "\r" : "") + line + " ".repeat(Math.max(0, lastWidth - line.length())) + "\n");
        out.flush();
    }

    String bar(int current) {
        int digits = Integer.toString(target).length();
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%" + digits + "d/%d [", current, target));
        int width = (int) (WIDTH * ((double) current / target));
        if (width > 0) {
            b.append("=".repeat(width - 1)).append(current < target ? '>' : '=');
        }
        return b.append(".".repeat(WIDTH - width)).append(']').toString();
    }

    private String eta(int current, long now) {
        if (current >= target || current == 0) {
            return "";
        }
        double perUnit = (now - start) / 1e9 / current;
        long eta = (long) (perUnit * (target - current));
        if (eta > 3600) {
            return String.format(Locale.ROOT, " - ETA: %d:%02d:%02d", eta / 3600, eta % 3600 / 60, eta % 60);
        }
        if (eta > 60) {
            return String.format(Locale.ROOT, " - ETA: %d:%02d", eta / 60, eta % 60);
        }
        return String.format(Locale.ROOT, " - ETA: %ds", eta);
    }

    static String perStep(double seconds) {
        if (seconds >= 1) {
            return String.format(Locale.ROOT, " %.0fs/step", seconds);
        }
        if (seconds >= 1e-3) {
            return String.format(Locale.ROOT, " %.0fms/step", seconds * 1e3);
        }
        return String.format(Locale.ROOT, " %.0fus/step", seconds * 1e6);
    }

    /** {@code " - loss: 0.1833"}, Keras' formatting: 4 decimals, or scientific below 1e-3. */
    public static String metric(String name, double value) {
        return Math.abs(value) > 1e-3 ? String.format(Locale.ROOT, " - %s: %.4f", name, value)
                : String.format(Locale.ROOT, " - %s: %.4e", name, value);
    }
}
