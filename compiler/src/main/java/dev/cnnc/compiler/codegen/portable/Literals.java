package dev.cnnc.compiler.codegen.portable;

/** Java source for numbers in generated code. */
public final class Literals {
    private Literals() {}

    /** A float literal for {@code value} rounded to float: {@code 0.3f}, {@code -1.0E-5f}, {@code Float.POSITIVE_INFINITY}. */
    public static String floatLiteral(double value) {
        float f = (float) value;
        if (Float.isInfinite(f)) {
            return f > 0 ? "Float.POSITIVE_INFINITY" : "Float.NEGATIVE_INFINITY";
        }
        if (Float.isNaN(f)) {
            return "Float.NaN";
        }
        return "(" + Float.toString(f) + "f)";
    }
}
