package dev.cnnc.interop.keras;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;

/** JSON values from a Keras config as the Python a person would write: {@code (3, 3)}, {@code 'relu'}, {@code 1e-07}. */
final class PyLiterals {
    private PyLiterals() {}

    static String of(JsonElement v) {
        if (v == null || v.isJsonNull()) {
            return "None";
        }
        if (v.isJsonArray()) {
            JsonArray a = v.getAsJsonArray();
            StringBuilder b = new StringBuilder("(");
            for (int i = 0; i < a.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(of(a.get(i)));
            }
            return b.append(a.size() == 1 ? ",)" : ")").toString();
        }
        if (v.isJsonObject()) {
            throw new IllegalArgumentException("an object has no literal form");
        }
        JsonPrimitive p = v.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean() ? "True" : "False";
        }
        if (p.isString()) {
            return string(p.getAsString());
        }
        String text = p.getAsString();
        if (text.matches("-?[0-9]+")) {
            return text;
        }
        return number(p.getAsDouble());
    }

    static String string(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\'' -> b.append("\\'");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('\'').toString();
    }

    /**
     * A float as Python's {@code repr} writes it, from the shortest decimal that reads back as the same
     * float32 when the value is one (Keras 2.2.4 stores float32 hyper-parameters as doubles:
     * {@code 0.0010000000474974513} is written {@code 0.001}).
     */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "float('nan')";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "float('inf')" : "-float('inf')";
        }
        String shortest = (double) (float) v == v ? Float.toString((float) v) : Double.toString(v);
        BigDecimal d = new BigDecimal(shortest);
        if (d.signum() == 0) {
            return "0.0";
        }
        d = d.stripTrailingZeros();
        int exponent = d.precision() - d.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String plain = d.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = d.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (d.signum() < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + String.format("%02d", Math.abs(exponent));
    }
}
