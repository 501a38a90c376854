package dev.cnnc.compiler.syntax;

import dev.cnnc.compiler.diag.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The syntax tree of a {@code .cnn} file: statements, calls and values, each with its source span.
 * It says nothing about which calls exist; the checker decides that.
 */
public final class Ast {
    private Ast() {}

    /**
     * A whole file: its model statements, and the names they use that the file neither defines nor
     * imports, with the line each is first used on.
     */
    public record Program(List<Statement> statements, Map<String, Integer> undefinedNames) {
        public Program(List<Statement> statements) {
            this(statements, Map.of());
        }
    }

    public sealed interface Statement permits PackageStatement, ModelStatement, ImportStatement, AssignStatement, CallStatement {
        Span span();
    }

    /** {@code package a.b.c} */
    public record PackageStatement(String name, Span span) implements Statement {}

    /** {@code model MnistCnn} */
    public record ModelStatement(String name, Span span) implements Statement {}

    /** {@code import keras} or {@code from keras import layers}: accepted and ignored. */
    public record ImportStatement(Span span) implements Statement {}

    /** {@code model = models.Sequential()} */
    public record AssignStatement(String target, Span targetSpan, Value value) implements Statement {
        @Override
        public Span span() {
            return targetSpan;
        }
    }

    /** {@code Conv2D(32, (3, 3))}, {@code model.add(...)}, {@code compile(...)}. */
    public record CallStatement(Call call) implements Statement {
        @Override
        public Span span() {
            return call.nameSpan();
        }
    }

    /** A call: a dotted name and its arguments. */
    public record Call(String name, Span nameSpan, List<Argument> arguments, Span closeSpan) {
        /** The last segment of the dotted name: {@code Conv2D} for {@code layers.Conv2D}. */
        public String simpleName() {
            return name.substring(name.lastIndexOf('.') + 1);
        }

        /** Everything before the last segment, or the empty string. */
        public String qualifier() {
            int dot = name.lastIndexOf('.');
            return dot < 0 ? "" : name.substring(0, dot);
        }
    }

    /** A positional argument ({@code name == null}) or a keyword argument. */
    public record Argument(String name, Span nameSpan, Value value) {
        public boolean isKeyword() {
            return name != null;
        }

        /** Where to point for a problem with the whole argument. */
        public Span span() {
            return name != null ? nameSpan : value.span();
        }
    }

    /** A value written in the source. */
    public sealed interface Value permits IntValue, FloatValue, StringValue, BoolValue, NoneValue, TupleValue, ListValue,
            NameValue, CallValue, ExpressionValue {
        Span span();

        /** How the value is described in messages: "an integer", "a string", ... */
        String kind();

        /** The value as it was written, shortened for messages. */
        String text();
    }

    public record IntValue(long value, Span span) implements Value {
        public String kind() {
            return "an integer";
        }

        public String text() {
            return Long.toString(value);
        }
    }

    public record FloatValue(double value, String literal, Span span) implements Value {
        public String kind() {
            return "a number";
        }

        public String text() {
            return literal;
        }
    }

    public record StringValue(String value, Span span) implements Value {
        public String kind() {
            return "a string";
        }

        public String text() {
            return "'" + shorten(value, 60) + "'";
        }
    }

    public record BoolValue(boolean value, Span span) implements Value {
        public String kind() {
            return "a boolean";
        }

        public String text() {
            return value ? "True" : "False";
        }
    }

    public record NoneValue(Span span) implements Value {
        public String kind() {
            return "None";
        }

        public String text() {
            return "None";
        }
    }

    public record TupleValue(List<Value> items, Span span) implements Value {
        public String kind() {
            return "a tuple";
        }

        public String text() {
            return "(" + itemsText(items) + (items.size() == 1 ? ",)" : ")");
        }
    }

    public record ListValue(List<Value> items, Span span) implements Value {
        public String kind() {
            return "a list";
        }

        public String text() {
            return "[" + itemsText(items) + "]";
        }
    }

    /** A bare name such as {@code train_images}: it refers to nothing cnnc knows. */
    public record NameValue(String name, Span span) implements Value {
        public String kind() {
            return "a name";
        }

        public String text() {
            return shorten(name, 60);
        }
    }

    public record CallValue(Call call) implements Value {
        public Span span() {
            return call.nameSpan();
        }

        public String kind() {
            return "a call";
        }

        public String text() {
            return shorten(call.name(), 60) + "(...)";
        }
    }

    /**
     * An expression of a pasted script that cnnc does not evaluate ({@code x_train.shape[1:]},
     * {@code lambda x: x}): what {@code what} says it is, and its text.
     */
    public record ExpressionValue(String what, String expression, Span span) implements Value {
        public String kind() {
            return what;
        }

        public String text() {
            return shorten(expression, 60);
        }
    }

    /** Items shown in a message before "...": a tuple of thousands is not worth quoting. */
    static final int SHOWN_ITEMS = 8;

    private static String itemsText(List<Value> items) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(items.size(), SHOWN_ITEMS); i++) {
            shown.add(items.get(i).text());
        }
        if (items.size() > SHOWN_ITEMS) {
            shown.add("... (" + items.size() + " items)");
        }
        return String.join(", ", shown);
    }

    /** {@code text} cut to {@code max} characters, with "..." where it was cut. */
    static String shorten(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int cut = max - 3;
        if (Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        return text.substring(0, cut) + "...";
    }
}
