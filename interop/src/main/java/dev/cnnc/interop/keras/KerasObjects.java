package dev.cnnc.interop.keras;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.cnnc.interop.InteropException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keras' serialized initializers, regularizers and constraints ({@code {"class_name": "VarianceScaling",
 * "config": {...}}}, or a plain name) as the Python a person writes: {@code 'he_normal'}, {@code l2(0.01)},
 * {@code MaxNorm(max_value=3, axis=[0, 1, 2])}.
 */
final class KerasObjects {
    private KerasObjects() {}

    /** The presets Keras 2.2.4 serializes as VarianceScaling: scale, mode, distribution. */
    private static final Map<String, String> PRESETS = Map.of("1.0 fan_avg uniform", "glorot_uniform",
            "1.0 fan_avg normal", "glorot_normal", "2.0 fan_in normal", "he_normal", "2.0 fan_in uniform", "he_uniform",
            "1.0 fan_in normal", "lecun_normal", "1.0 fan_in uniform", "lecun_uniform");

    static String initializer(JsonElement v, String where, ConfigToCnn.Failure fail) throws InteropException {
        if (v.isJsonPrimitive()) {
            return PyLiterals.string(v.getAsString());
        }
        JsonObject o = object(v, where, fail);
        String cls = o.get("class_name").getAsString();
        JsonObject c = config(o);
        boolean seeded = c.has("seed") && !c.get("seed").isJsonNull();
        switch (cls) {
            case "Zeros", "Zero" -> {
                return "'zeros'";
            }
            case "Ones", "One" -> {
                return "'ones'";
            }
            case "VarianceScaling" -> {
                double scale = c.has("scale") ? c.get("scale").getAsDouble() : 1.0;
                String mode = c.has("mode") ? c.get("mode").getAsString() : "fan_in";
                String dist = c.has("distribution") ? c.get("distribution").getAsString() : "normal";
                if (dist.equals("truncated_normal")) {
                    dist = "normal"; // tf.keras' name for what Keras 2.2.4 calls 'normal'
                } else if (dist.equals("untruncated_normal")) {
                    throw fail.at(where, "VarianceScaling(distribution='untruncated_normal') is not supported "
                            + "(cnnc's 'normal' is Keras 2.2.4's truncated normal)");
                }
                String preset = PRESETS.get(PyLiterals.number(scale) + " " + mode + " " + dist);
                if (preset != null && !seeded) {
                    return PyLiterals.string(preset);
                }
                return "VarianceScaling(scale=" + PyLiterals.number(scale) + ", mode=" + PyLiterals.string(mode)
                        + ", distribution=" + PyLiterals.string(dist) + seed(c) + ")";
            }
            case "GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform" -> {
                String snake = cls.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
                return seeded ? snake + "(" + seed(c).substring(2) + ")" : PyLiterals.string(snake);
            }
            case "RandomNormal", "RandomUniform", "TruncatedNormal", "Constant" -> {
                return call(cls, c, List.of("mean", "stddev", "minval", "maxval", "value", "seed"));
            }
            default -> throw fail.at(where, "initializer " + cls + " is not supported by cnnc");
        }
    }

    static String regularizer(JsonElement v, String where, ConfigToCnn.Failure fail) throws InteropException {
        JsonObject o = object(v, where, fail);
        String cls = o.get("class_name").getAsString();
        JsonObject c = config(o);
        if (!List.of("L1L2", "L1", "L2").contains(cls)) {
            throw fail.at(where, "regularizer " + cls + " is not supported by cnnc (L1L2, L1 and L2 are)");
        }
        double l1 = c.has("l1") ? c.get("l1").getAsDouble() : 0;
        double l2 = c.has("l2") ? c.get("l2").getAsDouble() : 0;
        if (l1 == 0 && l2 == 0) {
            return null;
        }
        if (l1 == 0) {
            return "l2(" + PyLiterals.number(l2) + ")";
        }
        if (l2 == 0) {
            return "l1(" + PyLiterals.number(l1) + ")";
        }
        return "l1_l2(l1=" + PyLiterals.number(l1) + ", l2=" + PyLiterals.number(l2) + ")";
    }

    static String constraint(JsonElement v, String where, ConfigToCnn.Failure fail) throws InteropException {
        JsonObject o = object(v, where, fail);
        String cls = o.get("class_name").getAsString();
        if (!List.of("MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm").contains(cls)) {
            throw fail.at(where, "constraint " + cls + " is not supported by cnnc");
        }
        return call(cls, config(o), List.of("max_value", "min_value", "rate", "axis"));
    }

    private static JsonObject object(JsonElement v, String where, ConfigToCnn.Failure fail) throws InteropException {
        if (!v.isJsonObject() || !v.getAsJsonObject().has("class_name")
                || !v.getAsJsonObject().get("class_name").isJsonPrimitive()) {
            throw fail.at(where, "is not a Keras object with class_name and config: " + ConfigToCnn.shortText(v));
        }
        return v.getAsJsonObject();
    }

    private static JsonObject config(JsonObject o) {
        JsonElement c = o.get("config");
        return c != null && c.isJsonObject() ? c.getAsJsonObject() : new JsonObject();
    }

    private static String seed(JsonObject c) {
        return c.has("seed") && !c.get("seed").isJsonNull() ? ", seed=" + PyLiterals.of(c.get("seed")) : "";
    }

    private static String call(String cls, JsonObject c, List<String> keys) {
        List<String> args = new ArrayList<>();
        for (String k : keys) {
            if (c.has(k) && !c.get(k).isJsonNull()) {
                JsonElement v = c.get(k);
                args.add(k + "=" + (v.isJsonArray() ? PyLiterals.of(v).replace('(', '[').replace(')', ']').replace(",]", "]")
                        : PyLiterals.of(v)));
            }
        }
        return cls + "(" + String.join(", ", args) + ")";
    }
}
