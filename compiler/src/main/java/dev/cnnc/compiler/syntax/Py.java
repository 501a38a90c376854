package dev.cnnc.compiler.syntax;

import dev.cnnc.compiler.diag.Span;
import java.util.List;

/**
 * The tree of a file as the Python subset it is written in (see {@code Cnn.g4}): statements and
 * expressions with their spans, before {@link Script} decides which of them describe the model. Only
 * what a model description or a Keras script needs is kept in detail; the rest (lambdas,
 * comprehensions, slices, dictionaries) is {@link Opaque}, known only by its text.
 */
public final class Py {
    private Py() {}

    // ---------------------------------------------------------------------------------------------
    // Statements

    public sealed interface Stmt permits PackageLine, ModelLine, Import, Assign, AugAssign, ExprStmt, If, Block, Other {
        Span span();
    }

    /** {@code package a.b.c} */
    public record PackageLine(String name, Span span) implements Stmt {}

    /** {@code model MnistCnn} */
    public record ModelLine(String name, Span span) implements Stmt {}

    /**
     * {@code import a.b as c, d} ({@code from == null}) or {@code from a.b import c as d, e}: each
     * name with its alias, or null; {@code star} for {@code from a import *}.
     */
    public record Import(String from, List<ImportName> names, boolean star, Span span) implements Stmt {}

    public record ImportName(String name, String alias) {
        /** The name the import binds: the alias, else (plain {@code import a.b}) the first segment. */
        public String bound(boolean fromImport) {
            if (alias != null) {
                return alias;
            }
            return fromImport ? name : name.split("\\.")[0];
        }
    }

    /** {@code a = b = value}: every target, then the value. */
    public record Assign(List<Expr> targets, Expr value, Span span) implements Stmt {}

    /** {@code x_train /= 255} */
    public record AugAssign(Expr target, String op, Expr value, Span span) implements Stmt {}

    /** An expression on its own: a call, a docstring. */
    public record ExprStmt(Expr expr, Span span) implements Stmt {}

    /** {@code if} with its {@code elif} branches, and the {@code else} block or an empty list. */
    public record If(List<Branch> branches, List<Stmt> orElse, Span elseSpan, Span span) implements Stmt {}

    public record Branch(Expr condition, List<Stmt> body) {}

    /**
     * {@code for}, {@code while}, {@code with}, {@code try}, {@code def}, {@code class}: the keyword and
     * every statement inside; for a {@code def}, its name and its parameters' names ({@code null}
     * otherwise).
     */
    public record Block(String keyword, String name, List<String> parameters, List<Stmt> body, Span span) implements Stmt {}

    /** {@code pass}, {@code return}, {@code del}, ... */
    public record Other(String keyword, Span span) implements Stmt {}

    // ---------------------------------------------------------------------------------------------
    // Expressions

    public sealed interface Expr permits Literal, Name, Attribute, Call, Subscript, Slice, Binary, Unary, Compare, Logic,
            Not, TupleExpr, ListExpr, Opaque {
        /** Where the expression starts (the whole expression when it is on one line). */
        Span span();

        /** The expression's source text, whitespace collapsed. */
        String text();
    }

    /** A number, string, boolean or None: the checker's value of it. */
    public record Literal(Ast.Value value, String text) implements Expr {
        @Override
        public Span span() {
            return value.span();
        }
    }

    public record Name(String id, Span span) implements Expr {
        @Override
        public String text() {
            return id;
        }
    }

    /** {@code target.name}; {@code span} covers the whole expression. */
    public record Attribute(Expr target, String name, Span nameSpan, Span span, String text) implements Expr {}

    /** {@code function(arguments)}; {@code closeSpan} is the closing parenthesis. */
    public record Call(Expr function, List<Arg> arguments, Span span, Span closeSpan, String text) implements Expr {}

    /** A positional ({@code name == null}), keyword or starred ({@code *args}, {@code **kwargs}) argument. */
    public record Arg(String name, Span nameSpan, Expr value, String stars) {}

    /** {@code target[index]} or {@code target[a, b:c]}: each index an expression or a {@link Slice}. */
    public record Subscript(Expr target, List<Expr> indices, Span span, String text) implements Expr {}

    /** {@code lower:upper:step} inside a subscript; absent parts are null. */
    public record Slice(Expr lower, Expr upper, Expr step, Span span, String text) implements Expr {}

    public record Binary(String op, Expr left, Expr right, Span span, String text) implements Expr {}

    public record Unary(String op, Expr operand, Span span, String text) implements Expr {}

    /** {@code a == b}, {@code a < b < c}: operators between operands. */
    public record Compare(List<String> ops, List<Expr> operands, Span span, String text) implements Expr {}

    /** {@code a and b}, {@code a or b}. */
    public record Logic(String op, List<Expr> operands, Span span, String text) implements Expr {}

    public record Not(Expr operand, Span span, String text) implements Expr {}

    /** {@code (a, b)} or {@code a, b}; {@code starred} if an item is {@code *x}. */
    public record TupleExpr(List<Expr> items, boolean starred, Span span, String text) implements Expr {}

    public record ListExpr(List<Expr> items, boolean starred, Span span, String text) implements Expr {}

    /** What cnnc does not look into: a lambda, a comprehension, a dictionary, a conditional expression. */
    public record Opaque(String what, Span span, String text) implements Expr {}

    /** The dotted name of {@code a.b.c}, or null if the expression is not a chain of names. */
    public static String dotted(Expr e) {
        if (e instanceof Name n) {
            return n.id();
        }
        if (e instanceof Attribute a) {
            String left = dotted(a.target());
            return left == null ? null : left + "." + a.name();
        }
        return null;
    }
}
