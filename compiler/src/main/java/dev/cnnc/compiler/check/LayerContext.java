package dev.cnnc.compiler.check;

import dev.cnnc.compiler.check.Args;
import dev.cnnc.compiler.diag.Span;
import dev.cnnc.compiler.ir.Shape;

/**
 * What a layer is built from: its name, where it is declared, its bound arguments, and the shape
 * of its input ({@code null} when an earlier problem left it unknown; the layer then only checks
 * its arguments).
 */
public record LayerContext(String name, Span span, Args args, Shape input) {

    /** Reports a problem with the layer as a whole, at its name in the source. */
    public void error(String message) {
        args.callError(message);
    }

    /** Reports {@code kind} of {@code count} elements if it exceeds one Java array; true if it fits. */
    public boolean checkArraySize(String what, long count, String formula) {
        if (count > MAX_ARRAY) {
            error(String.format("%s would hold %,d floats (%s); one Java array holds at most %,d", what, count, formula,
                    MAX_ARRAY));
            return false;
        }
        return true;
    }

    /** The largest Java array the JVM reliably allocates. */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
}
