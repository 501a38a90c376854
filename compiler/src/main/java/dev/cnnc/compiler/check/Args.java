package dev.cnnc.compiler.check;

import dev.cnnc.compiler.diag.Diagnostics;
import dev.cnnc.compiler.diag.Span;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.Padding;
import dev.cnnc.compiler.ir.Shape;
import dev.cnnc.compiler.syntax.Ast;
import dev.cnnc.compiler.syntax.Ast.Argument;
import dev.cnnc.compiler.syntax.Ast.Call;
import dev.cnnc.compiler.syntax.Ast.Value;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The arguments bound to one call, with typed accessors. An accessor that finds a bad value
 * reports it, marks the arguments as not {@link #ok()}, and returns the fallback so that checking
 * can go on and report every problem in one run.
 */
public final class Args {
    /** The largest height, width, channel count or unit count accepted. */
    public static final int MAX_DIMENSION = 1 << 24;

    private final String owner;
    private final Call call;
    private final Map<String, Argument> bound;
    private final Diagnostics diagnostics;
    private boolean ok;
    private final Set<String> bad;

    Args(String owner, Call call, Map<String, Argument> bound, Diagnostics diagnostics, boolean ok, Set<String> bad) {
        this.owner = owner;
        this.call = call;
        this.bound = bound;
        this.diagnostics = diagnostics;
        this.ok = ok;
        this.bad = new HashSet<>(bad);
    }

    /** False once any argument was found wrong. */
    public boolean ok() {
        return ok && bad.isEmpty();
    }

    /**
     * True if none of {@code names} was found wrong and the call's arguments could be bound; an
     * unknown keyword argument does not count. Layers use it to infer shapes from the arguments
     * that decide them even when others are wrong, so that later layers are still checked.
     */
    public boolean ok(String... names) {
        if (!ok && bad.isEmpty()) {
            return false;
        }
        for (String n : names) {
            if (bad.contains(n)) {
                return false;
            }
        }
        return true;
    }

    public Call call() {
        return call;
    }

    public Diagnostics diagnostics() {
        return diagnostics;
    }

    public boolean has(String name) {
        return bound.containsKey(name);
    }

    /** The value bound to {@code name}, or null. */
    public Value value(String name) {
        Argument a = bound.get(name);
        return a == null ? null : a.value();
    }

    /** Where to point for a problem with argument {@code name}: its value, or the call's name. */
    public Span span(String name) {
        Value v = value(name);
        return v == null ? call.nameSpan() : v.span();
    }

    /** Reports an error at argument {@code name} and marks the arguments as not ok. */
    public void error(String name, String message) {
        diagnostics.error(span(name), message);
        bad.add(name);
    }

    /** Marks the arguments as not ok after a problem reported elsewhere. */
    void invalidate(String name) {
        bad.add(name);
    }

    /** Reports an error at the call's name and marks the arguments as not ok. */
    public void callError(String message) {
        diagnostics.error(call.nameSpan(), message);
        ok = false;
    }

    private <T> T mismatch(String name, String expected, Value v, T fallback) {
        error(name, label(name) + " must be " + expected + ", found " + describe(v));
        return fallback;
    }

    /** The argument's name as the user wrote it ({@code learning_rate} for {@code lr}). */
    public String label(String name) {
        Argument a = bound.get(name);
        return a != null && a.isKeyword() ? a.name() : name;
    }

    public static String describe(Value v) {
        if (v instanceof Ast.NoneValue) {
            return "None";
        }
        if (v instanceof Ast.NameValue n && CONTEXT.get().undefinedNames().containsKey(n.name())) {
            return "the name " + n.name() + ", which is not defined: define it above line "
                    + CONTEXT.get().undefinedNames().get(n.name()) + ", such as " + n.name() + " = 10, or write the value here";
        }
        return v.kind() + " " + v.text();
    }

    private boolean absentOrNone(String name) {
        Value v = value(name);
        return v == null || v instanceof Ast.NoneValue;
    }

    // -----------------------------------------------------------------------------------------
    // Numbers

    /** A positive integer up to {@link #MAX_DIMENSION}. */
    public int positiveInt(String name, int fallback) {
        Value v = value(name);
        if (v == null) {
            return fallback;
        }
        return positiveInt(name, v, fallback);
    }

    private int positiveInt(String name, Value v, int fallback) {
        if (!(v instanceof Ast.IntValue i)) {
            return mismatch(name, "a positive integer", v, fallback);
        }
        if (i.value() <= 0) {
            error(name, label(name) + " must be a positive integer, found " + i.value());
            return fallback;
        }
        if (i.value() > MAX_DIMENSION) {
            error(name, String.format("%s is too large: %,d (the limit is %,d)", label(name), i.value(), MAX_DIMENSION));
            return fallback;
        }
        return (int) i.value();
    }

    /** An integer or a tuple of two, each positive: {@code 3} or {@code (3, 3)}. */
    public int[] intPair(String name, int[] fallback) {
        Value v = value(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Ast.IntValue) {
            int n = positiveInt(name, v, fallback[0]);
            return new int[] {n, n};
        }
        List<Value> items = items(v);
        if (items == null || items.size() != 2 || !(items.get(0) instanceof Ast.IntValue)
                || !(items.get(1) instanceof Ast.IntValue)) {
            return mismatch(name, "an integer or a tuple of 2 integers", v, fallback);
        }
        int a = positiveInt(name, items.get(0), fallback[0]);
        int b = positiveInt(name, items.get(1), fallback[1]);
        return new int[] {a, b};
    }

    /**
     * Keras' 2-D border spec (ZeroPadding2D's {@code padding}, Cropping2D's {@code cropping}) as
     * {@code {top, bottom, left, right}}: an integer for all four, {@code (rows, columns)} for
     * symmetric borders, or {@code ((top, bottom), (left, right))}; each at least 0.
     */
    public int[] border2D(String name, int[] fallback) {
        Value v = value(name);
        if (v == null) {
            return fallback.clone();
        }
        String expected = "an integer, a tuple of 2 integers or a tuple of 2 tuples of 2 integers";
        if (v instanceof Ast.IntValue) {
            int n = nonNegative(name, v);
            return n < 0 ? fallback.clone() : new int[] {n, n, n, n};
        }
        List<Value> items = items(v);
        if (items == null || items.size() != 2) {
            return mismatch(name, expected, v, fallback.clone());
        }
        int[] out = new int[4];
        for (int axis = 0; axis < 2; axis++) {
            Value item = items.get(axis);
            List<Value> pair = item instanceof Ast.IntValue ? List.of(item, item) : items(item);
            if (pair == null || pair.size() != 2 || !(pair.get(0) instanceof Ast.IntValue)
                    || !(pair.get(1) instanceof Ast.IntValue)) {
                return mismatch(name, expected, v, fallback.clone());
            }
            for (int side = 0; side < 2; side++) {
                int n = nonNegative(name, pair.get(side));
                if (n < 0) {
                    return fallback.clone();
                }
                out[axis * 2 + side] = n;
            }
        }
        return out;
    }

    /** An integer in {@code [0, MAX_DIMENSION]}, or -1 after reporting. */
    private int nonNegative(String name, Value v) {
        long x = ((Ast.IntValue) v).value();
        if (x < 0) {
            error(name, label(name) + " must not be negative, found " + x);
            return -1;
        }
        if (x > MAX_DIMENSION) {
            error(name, String.format("%s is too large: %,d (the limit is %,d)", label(name), x, MAX_DIMENSION));
            return -1;
        }
        return (int) x;
    }

    /**
     * A tuple or list of integers, each at most {@link #MAX_DIMENSION} in magnitude, as written
     * (zero and negative values are the caller's to judge); null if absent or after reporting.
     */
    public int[] intTuple(String name) {
        Value v = value(name);
        if (v == null) {
            return null;
        }
        List<Value> items = items(v);
        if (items == null || items.isEmpty() || !items.stream().allMatch(i -> i instanceof Ast.IntValue)) {
            return mismatch(name, "a tuple of integers", v, null);
        }
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            long x = ((Ast.IntValue) items.get(i)).value();
            if (Math.abs(x) > MAX_DIMENSION) {
                error(name, String.format("%s is too large: %,d (the limit is %,d)", label(name), x, MAX_DIMENSION));
                return null;
            }
            out[i] = (int) x;
        }
        return out;
    }

    /** An integer or a tuple of two, each at least 0 (Conv2DTranspose's {@code output_padding}); None or absent gives null. */
    public int[] nonNegativePairOrNone(String name) {
        if (absentOrNone(name)) {
            return null;
        }
        Value v = value(name);
        if (v instanceof Ast.IntValue) {
            int a = nonNegative(name, v);
            return a < 0 ? null : new int[] {a, a};
        }
        List<Value> items = items(v);
        if (items == null || items.size() != 2 || !(items.get(0) instanceof Ast.IntValue)
                || !(items.get(1) instanceof Ast.IntValue)) {
            return mismatch(name, "an integer, a tuple of 2 integers or None", v, null);
        }
        int a = nonNegative(name, items.get(0));
        int b = nonNegative(name, items.get(1));
        return a < 0 || b < 0 ? null : new int[] {a, b};
    }

    /** Like {@link #intPair} but {@code None} (or absent) gives null. */
    public int[] intPairOrNone(String name) {
        return absentOrNone(name) ? null : intPair(name, new int[] {1, 1});
    }

    /** A number (integer or float) within {@code [min, max]}. */
    public double number(String name, double fallback, double min, double max) {
        Value v = value(name);
        if (v == null) {
            return fallback;
        }
        double x;
        if (v instanceof Ast.IntValue i) {
            x = i.value();
        } else if (v instanceof Ast.FloatValue f) {
            x = f.value();
        } else {
            return mismatch(name, "a number", v, fallback);
        }
        if (!(x >= min && x <= max)) {
            error(name, label(name) + " must be " + range(min, max) + ", found " + v.text());
            return fallback;
        }
        return x;
    }

    /** Like {@link #number} but {@code None} gives the fallback. */
    public double numberOrNone(String name, double fallback, double min, double max) {
        return absentOrNone(name) ? fallback : number(name, fallback, min, max);
    }

    private static String range(double min, double max) {
        if (min == Double.MIN_VALUE && max == Double.MAX_VALUE) {
            return "a positive number";
        }
        if (max == Double.MAX_VALUE) {
            return min == 0 ? "at least 0" : "at least " + fmt(min);
        }
        return "between " + fmt(min) + " and " + fmt(max);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** A whole number in {@code [min, max]} (an integer, not a float). */
    public int integer(String name, int fallback, int min, int max) {
        Value v = value(name);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Ast.IntValue i)) {
            return mismatch(name, "an integer", v, fallback);
        }
        if (i.value() < min || i.value() > max) {
            error(name, label(name) + " must be between " + min + " and " + max + ", found " + i.value());
            return fallback;
        }
        return (int) i.value();
    }

    /** A Python-style seed: an integer or {@code None}. */
    public Long seed(String name) {
        if (absentOrNone(name)) {
            return null;
        }
        Value v = value(name);
        if (!(v instanceof Ast.IntValue i)) {
            return mismatch(name, "an integer or None", v, null);
        }
        return i.value();
    }

    // -----------------------------------------------------------------------------------------
    // Other values

    public boolean bool(String name, boolean fallback) {
        Value v = value(name);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Ast.BoolValue b)) {
            return mismatch(name, "True or False", v, fallback);
        }
        return b.value();
    }

    /** A string, or null if absent. */
    public String string(String name) {
        Value v = value(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Ast.StringValue s)) {
            return mismatch(name, "a string", v, null);
        }
        return s.value();
    }

    /** One of {@code options}, compared case-insensitively; {@code None} or absent gives {@code fallback}. */
    public String choice(String name, String fallback, List<String> options) {
        if (absentOrNone(name)) {
            return fallback;
        }
        Value v = value(name);
        if (!(v instanceof Ast.StringValue s)) {
            return mismatch(name, "one of '" + String.join("', '", options) + "'", v, fallback);
        }
        String lower = s.value().toLowerCase(Locale.ROOT);
        if (!options.contains(lower)) {
            error(name, "unknown " + name + " '" + s.value() + "'" + Suggest.didYouMean(s.value(), options)
                    + " (expected '" + String.join("' or '", options) + "')");
            return fallback;
        }
        return lower;
    }

    public Padding padding(String name) {
        return choice(name, "valid", List.of("valid", "same")).equals("same") ? Padding.SAME : Padding.VALID;
    }

    /**
     * What a file's check knows beyond its arguments: Keras' {@code image_data_format()} (what
     * {@code data_format=None} means) and the names a pasted script uses without defining them, with
     * the line of their first use (so that "found a name" can say where to define it).
     */
    public record Context(String imageDataFormat, Map<String, Integer> undefinedNames) {
        static final Context DEFAULT = new Context("channels_last", Map.of());
    }

    private static final ThreadLocal<Context> CONTEXT = ThreadLocal.withInitial(() -> Context.DEFAULT);

    /** Runs {@code check} in {@code context}. */
    public static <T> T withContext(Context context, java.util.function.Supplier<T> check) {
        Context before = CONTEXT.get();
        CONTEXT.set(context);
        try {
            return check.get();
        } finally {
            CONTEXT.set(before);
        }
    }

    public DataFormat dataFormat(String name) {
        return choice(name, CONTEXT.get().imageDataFormat(), List.of("channels_last", "channels_first")).equals("channels_first")
                ? DataFormat.CHANNELS_FIRST : DataFormat.CHANNELS_LAST;
    }

    /** A tensor shape without the batch dimension: {@code (28, 28, 1)} or {@code (784,)}. Null if absent. */
    public Shape shape(String name) {
        return shapeOf(name, value(name));
    }

    /**
     * A shape with the batch dimension first, as {@code batch_input_shape=(None, 28, 28, 1)}: the
     * shape of one example. Null if absent.
     */
    public Shape batchShape(String name) {
        Value v = value(name);
        if (v == null) {
            return null;
        }
        List<Value> items = items(v);
        if (items == null || items.size() < 2 || !(items.get(0) instanceof Ast.NoneValue
                || items.get(0) instanceof Ast.IntValue)) {
            return mismatch(name, "a tuple (batch, dimensions...) such as (None, 28, 28, 1)", v, null);
        }
        return shapeOf(name, new Ast.TupleValue(items.subList(1, items.size()), v.span()));
    }

    private Shape shapeOf(String name, Value v) {
        if (v == null) {
            return null;
        }
        List<Value> items = v instanceof Ast.IntValue ? List.of(v) : items(v);
        if (items == null || items.isEmpty() || !items.stream().allMatch(i -> i instanceof Ast.IntValue)) {
            return mismatch(name, "a tuple of positive integers such as (28, 28, 1)", v, null);
        }
        if (items.size() != 1 && items.size() != 3) {
            error(name, name + " must have 3 dimensions (height, width, channels) or 1 (features), found " + items.size());
            return null;
        }
        int[] dims = new int[items.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = positiveInt(name, items.get(i), -1);
            if (dims[i] < 0) {
                return null;
            }
        }
        return Shape.of(dims);
    }

    /** The items of a tuple or list, or null for any other value. */
    public static List<Value> items(Value v) {
        if (v instanceof Ast.TupleValue t) {
            return t.items();
        }
        if (v instanceof Ast.ListValue l) {
            return l.items();
        }
        return null;
    }

    @Override
    public String toString() {
        return owner + bound.keySet();
    }
}
