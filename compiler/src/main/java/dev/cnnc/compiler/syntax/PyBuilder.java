package dev.cnnc.compiler.syntax;

import dev.cnnc.compiler.diag.Diagnostics;
import dev.cnnc.compiler.diag.Span;
import dev.cnnc.grammar.CnnLexer;
import dev.cnnc.grammar.CnnParser;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/** Parse tree to {@link Py} tree. Reports the few problems the grammar lets through (an integer too large). */
final class PyBuilder {
    private final Diagnostics diagnostics;
    private final String source;

    PyBuilder(Diagnostics diagnostics, String source) {
        this.diagnostics = diagnostics;
        this.source = source;
    }

    List<Py.Stmt> file(CnnParser.FileContext file) {
        List<Py.Stmt> out = new ArrayList<>();
        for (CnnParser.StatementLineContext line : file.statementLine()) {
            line(line, out);
        }
        return List.copyOf(out);
    }

    private void line(CnnParser.StatementLineContext line, List<Py.Stmt> out) {
        if (line.simpleStatements() != null) {
            simple(line.simpleStatements(), out);
        } else {
            out.add(compound(line.compoundStatement()));
        }
    }

    private void simple(CnnParser.SimpleStatementsContext s, List<Py.Stmt> out) {
        for (CnnParser.SimpleStatementContext st : s.simpleStatement()) {
            out.add(statement(st));
        }
    }

    private List<Py.Stmt> suite(CnnParser.SuiteContext suite) {
        List<Py.Stmt> out = new ArrayList<>();
        if (suite.simpleStatements() != null) {
            simple(suite.simpleStatements(), out);
        } else {
            for (CnnParser.StatementLineContext line : suite.statementLine()) {
                line(line, out);
            }
        }
        return List.copyOf(out);
    }

    private Py.Stmt compound(CnnParser.CompoundStatementContext c) {
        Span span = CnnSyntax.spanOf(c.getStart());
        if (c instanceof CnnParser.IfStatementContext i) {
            List<Py.Branch> branches = new ArrayList<>();
            for (int k = 0; k < i.test().size(); k++) {
                branches.add(new Py.Branch(expr(i.test(k)), suite(i.suite(k))));
            }
            List<Py.Stmt> orElse = i.orElse == null ? List.of() : suite(i.orElse);
            Span elseSpan = i.ELSE() == null ? null : CnnSyntax.spanOf(i.ELSE().getSymbol());
            return new Py.If(List.copyOf(branches), orElse, elseSpan, span);
        }
        List<CnnParser.SuiteContext> suites = c.getRuleContexts(CnnParser.SuiteContext.class);
        List<Py.Stmt> body = new ArrayList<>();
        for (CnnParser.SuiteContext s : suites) {
            body.addAll(suite(s));
        }
        String keyword;
        if (c instanceof CnnParser.BlockStatementContext b) {
            keyword = b.keyword.getText();
        } else if (c instanceof CnnParser.WithStatementContext w) {
            keyword = w.keyword.getText();
        } else {
            keyword = ((CnnParser.TryStatementContext) c).keyword.getText();
        }
        // a decorated def or class: point at the keyword
        if (c instanceof CnnParser.BlockStatementContext b) {
            span = CnnSyntax.spanOf(b.keyword);
        }
        String name = null;
        List<String> parameters = null;
        if (c instanceof CnnParser.BlockStatementContext b && b.DEF() != null) {
            name = b.identifier().getText();
            parameters = new ArrayList<>();
            if (b.parameters() != null) {
                for (CnnParser.ParameterContext p : b.parameters().parameter()) {
                    parameters.add(p.identifier() == null ? "/" : (p.STAR() != null ? "*" : p.POWER() != null ? "**" : "")
                            + p.identifier().getText());
                }
            }
            parameters = List.copyOf(parameters);
        }
        return new Py.Block(keyword, name, parameters, List.copyOf(body), span);
    }

    private Py.Stmt statement(CnnParser.SimpleStatementContext st) {
        Span span = CnnSyntax.spanOf(st);
        if (st instanceof CnnParser.PackageStatementContext p) {
            return new Py.PackageLine(p.packageName().getText(), CnnSyntax.spanOf(p.packageName()));
        }
        if (st instanceof CnnParser.ModelStatementContext m) {
            return new Py.ModelLine(m.anyName().getText(), CnnSyntax.spanOf(m.anyName()));
        }
        if (st instanceof CnnParser.ImportStatementContext i) {
            return new Py.Import(null, importNames(i.importName()), false, span);
        }
        if (st instanceof CnnParser.FromImportStatementContext f) {
            CnnParser.ImportListContext list = f.importList();
            return new Py.Import(f.relativeName().getText(), importNames(list.importName()), list.STAR() != null, span);
        }
        if (st instanceof CnnParser.ExpressionStatementContext e) {
            Py.Expr first = testList(e.first);
            if (!e.rest.isEmpty()) {
                List<Py.Expr> targets = new ArrayList<>();
                targets.add(first);
                for (int k = 0; k < e.rest.size() - 1; k++) {
                    targets.add(testList(e.rest.get(k)));
                }
                return new Py.Assign(List.copyOf(targets), testList(e.rest.get(e.rest.size() - 1)), span);
            }
            if (e.annotation != null) {
                return e.annotated == null ? new Py.Other("annotation", span)
                        : new Py.Assign(List.of(first), testList(e.annotated), span);
            }
            if (e.augAssign() != null) {
                return new Py.AugAssign(first, e.augAssign().getText(), testList(e.augmented), span);
            }
            return new Py.ExprStmt(first, span);
        }
        return new Py.Other(((CnnParser.OtherStatementContext) st).keyword.getText(), span);
    }

    private static List<Py.ImportName> importNames(List<CnnParser.ImportNameContext> names) {
        List<Py.ImportName> out = new ArrayList<>();
        for (CnnParser.ImportNameContext n : names) {
            out.add(new Py.ImportName(n.dottedName().getText(), n.identifier() == null ? null : n.identifier().getText()));
        }
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------------------------------------
    // Expressions

    /** The source text of a rule, whitespace (newlines and comments inside brackets included) collapsed. */
    private String text(ParserRuleContext ctx) {
        Token start = ctx.getStart();
        Token stop = ctx.getStop() == null ? start : ctx.getStop();
        int from = start.getStartIndex();
        int to = stop.getStopIndex();
        if (from < 0 || to < from || to >= source.length()) {
            return ctx.getText();
        }
        String raw = source.substring(from, to + 1);
        if (raw.indexOf('\n') < 0 && raw.indexOf('\r') < 0 && raw.indexOf('#') < 0) {
            return raw;
        }
        // rebuild from the tokens, so that comments inside brackets disappear
        StringBuilder b = new StringBuilder();
        for (ParseTree leaf : leaves(ctx)) {
            if (b.length() > 0 && needsSpace(b.charAt(b.length() - 1), leaf.getText())) {
                b.append(' ');
            }
            b.append(leaf.getText());
        }
        return b.toString();
    }

    private static boolean needsSpace(char before, String next) {
        return !next.isEmpty() && (Character.isLetterOrDigit(before) || before == '_')
                && (Character.isLetterOrDigit(next.charAt(0)) || next.charAt(0) == '_');
    }

    private static List<ParseTree> leaves(ParseTree t) {
        List<ParseTree> out = new ArrayList<>();
        collect(t, out);
        return out;
    }

    private static void collect(ParseTree t, List<ParseTree> out) {
        if (t instanceof TerminalNode) {
            out.add(t);
            return;
        }
        for (int i = 0; i < t.getChildCount(); i++) {
            collect(t.getChild(i), out);
        }
    }

    Py.Expr testList(CnnParser.TestListStarContext ctx) {
        if (ctx.items.size() == 1 && ctx.trailingComma == null) {
            return testOrStar(ctx.items.get(0));
        }
        return tuple(ctx.items, ctx);
    }

    private Py.Expr tuple(List<CnnParser.TestOrStarContext> items, ParserRuleContext ctx) {
        List<Py.Expr> out = new ArrayList<>();
        boolean starred = false;
        for (CnnParser.TestOrStarContext item : items) {
            starred |= item.test() == null;
            out.add(testOrStar(item));
        }
        return new Py.TupleExpr(List.copyOf(out), starred, CnnSyntax.spanOf(ctx), text(ctx));
    }

    private Py.Expr testOrStar(CnnParser.TestOrStarContext ctx) {
        if (ctx.test() != null) {
            return expr(ctx.test());
        }
        return new Py.Opaque("a starred expression", CnnSyntax.spanOf(ctx), text(ctx));
    }

    Py.Expr expr(CnnParser.TestContext ctx) {
        if (ctx instanceof CnnParser.LambdaTestContext l) {
            return new Py.Opaque("a lambda", CnnSyntax.spanOf(l), text(l));
        }
        CnnParser.ConditionalTestContext c = (CnnParser.ConditionalTestContext) ctx;
        if (c.IF() != null) {
            return new Py.Opaque("a conditional expression", CnnSyntax.spanOf(c), text(c));
        }
        return or(c.orTest(0));
    }

    private Py.Expr or(CnnParser.OrTestContext ctx) {
        if (ctx.andTest().size() == 1) {
            return and(ctx.andTest(0));
        }
        List<Py.Expr> operands = new ArrayList<>();
        for (CnnParser.AndTestContext a : ctx.andTest()) {
            operands.add(and(a));
        }
        return new Py.Logic("or", List.copyOf(operands), CnnSyntax.spanOf(ctx), text(ctx));
    }

    private Py.Expr and(CnnParser.AndTestContext ctx) {
        if (ctx.notTest().size() == 1) {
            return not(ctx.notTest(0));
        }
        List<Py.Expr> operands = new ArrayList<>();
        for (CnnParser.NotTestContext n : ctx.notTest()) {
            operands.add(not(n));
        }
        return new Py.Logic("and", List.copyOf(operands), CnnSyntax.spanOf(ctx), text(ctx));
    }

    private Py.Expr not(CnnParser.NotTestContext ctx) {
        if (ctx instanceof CnnParser.NotNotContext n) {
            return new Py.Not(not(n.notTest()), CnnSyntax.spanOf(n), text(n));
        }
        CnnParser.ComparisonContext c = (CnnParser.ComparisonContext) ctx;
        if (c.expr().size() == 1) {
            return expr(c.expr(0));
        }
        List<String> ops = new ArrayList<>();
        for (CnnParser.CompOpContext op : c.compOp()) {
            List<String> words = new ArrayList<>();
            for (int i = 0; i < op.getChildCount(); i++) {
                words.add(op.getChild(i).getText());
            }
            ops.add(String.join(" ", words));
        }
        List<Py.Expr> operands = new ArrayList<>();
        for (CnnParser.ExprContext e : c.expr()) {
            operands.add(expr(e));
        }
        return new Py.Compare(List.copyOf(ops), List.copyOf(operands), CnnSyntax.spanOf(c), text(c));
    }

    private Py.Expr expr(CnnParser.ExprContext ctx) {
        if (ctx instanceof CnnParser.BinaryExprContext b) {
            return new Py.Binary(b.op.getText(), expr(b.expr(0)), expr(b.expr(1)), CnnSyntax.spanOf(b), text(b));
        }
        if (ctx instanceof CnnParser.UnaryExprContext u) {
            Span span = CnnSyntax.spanOf(u);
            String op = u.op.getText();
            // -1 and +2.5 are numbers, as the .cnn language always read them
            if (op.equals("-") && isNumber(u.expr()) && ((CnnParser.NumberAtomContext) ((CnnParser.PrimaryExprContext) u.expr())
                    .atom()).number.getText().equals("9223372036854775808")) {
                return new Py.Literal(new Ast.IntValue(Long.MIN_VALUE, span), text(u)); // the one long without a positive twin
            }
            Py.Expr operand = expr(u.expr());
            if (operand instanceof Py.Literal lit && !op.equals("~") && span.line() == operand.span().line()) {
                if (lit.value() instanceof Ast.IntValue i && isNumber(u.expr())) {
                    long v = op.equals("-") ? -i.value() : i.value();
                    return new Py.Literal(new Ast.IntValue(v, span), text(u));
                }
                if (lit.value() instanceof Ast.FloatValue f && isNumber(u.expr())) {
                    double v = op.equals("-") ? -f.value() : f.value();
                    String literal = op.equals("-") ? "-" + f.literal() : f.literal();
                    return new Py.Literal(new Ast.FloatValue(v, literal, span), text(u));
                }
            }
            return new Py.Unary(op, operand, span, text(u));
        }
        CnnParser.PrimaryExprContext p = (CnnParser.PrimaryExprContext) ctx;
        Py.Expr e = atom(p.atom());
        for (CnnParser.TrailerContext t : p.trailer()) {
            Span whole = new Span(e.span().line(), e.span().column(), sameLineLength(p.atom().getStart(), t.getStop()));
            String text = text(p.atom().getStart(), t.getStop(), p);
            if (t instanceof CnnParser.AttributeTrailerContext a) {
                e = new Py.Attribute(e, a.identifier().getText(), CnnSyntax.spanOf(a.identifier()), whole, text);
            } else if (t instanceof CnnParser.SubscriptTrailerContext st) {
                List<Py.Expr> indices = new ArrayList<>();
                for (CnnParser.SubscriptContext sub : st.subscript()) {
                    indices.add(subscript(sub));
                }
                e = new Py.Subscript(e, List.copyOf(indices), whole, text);
            } else {
                CnnParser.CallTrailerContext c = (CnnParser.CallTrailerContext) t;
                if (e instanceof Py.Literal lit) {
                    diagnostics.error(CnnSyntax.spanOf(c.LPAREN().getSymbol()), lit.value().kind() + " cannot be called: "
                            + "a ',' is missing before '('");
                }
                e = new Py.Call(e, arguments(c.arguments()), e.span(), CnnSyntax.spanOf(c.RPAREN().getSymbol()), text);
            }
        }
        return e;
    }

    /** An index, or a slice {@code a:b:c} with its parts in order (the parse tree keeps only the tests). */
    private Py.Expr subscript(CnnParser.SubscriptContext sub) {
        if (sub.COLON().isEmpty()) {
            return expr(sub.test(0));
        }
        Py.Expr[] parts = new Py.Expr[3];
        int part = 0;
        for (int i = 0; i < sub.getChildCount(); i++) {
            ParseTree child = sub.getChild(i);
            if (child instanceof TerminalNode) {
                part++;
            } else {
                parts[part] = expr((CnnParser.TestContext) child);
            }
        }
        return new Py.Slice(parts[0], parts[1], parts[2], CnnSyntax.spanOf(sub), text(sub));
    }

    /** True if the operand is a bare number token (not {@code -(2)}, which Python also folds, but rarely written). */
    private static boolean isNumber(CnnParser.ExprContext e) {
        return e instanceof CnnParser.PrimaryExprContext p && p.trailer().isEmpty()
                && p.atom() instanceof CnnParser.NumberAtomContext;
    }

    private static int sameLineLength(Token start, Token stop) {
        if (stop == null || stop.getLine() != start.getLine()) {
            return Math.max(1, start.getStopIndex() - start.getStartIndex() + 1);
        }
        return Math.max(1, stop.getStopIndex() - start.getStartIndex() + 1);
    }

    private String text(Token start, Token stop, ParserRuleContext within) {
        int from = start.getStartIndex();
        int to = stop.getStopIndex();
        if (from < 0 || to < from || to >= source.length()) {
            return within.getText();
        }
        String raw = source.substring(from, to + 1);
        return raw.indexOf('\n') < 0 && raw.indexOf('\r') < 0 && raw.indexOf('#') < 0 ? raw
                : raw.replaceAll("#[^\\r\\n]*", "").replaceAll("\\s*[\\r\\n]\\s*", " ");
    }

    private List<Py.Arg> arguments(CnnParser.ArgumentsContext ctx) {
        if (ctx == null) {
            return List.of();
        }
        List<Py.Arg> out = new ArrayList<>();
        for (CnnParser.ArgumentContext a : ctx.argument()) {
            if (a instanceof CnnParser.KeywordArgumentContext k) {
                out.add(new Py.Arg(k.identifier().getText(), CnnSyntax.spanOf(k.identifier()), expr(k.test()), ""));
            } else if (a instanceof CnnParser.PositionalArgumentContext p) {
                Py.Expr v = p.compFor() == null ? expr(p.test())
                        : new Py.Opaque("a generator", CnnSyntax.spanOf(p), text(p));
                out.add(new Py.Arg(null, null, v, ""));
            } else {
                CnnParser.StarArgumentContext s = (CnnParser.StarArgumentContext) a;
                out.add(new Py.Arg(null, null, expr(s.test()), s.stars.getText()));
            }
        }
        return List.copyOf(out);
    }

    private Py.Expr atom(CnnParser.AtomContext ctx) {
        Span span = CnnSyntax.spanOf(ctx);
        String text = text(ctx);
        if (ctx instanceof CnnParser.NameAtomContext n) {
            return new Py.Name(n.getText(), span);
        }
        if (ctx instanceof CnnParser.NumberAtomContext n) {
            return number(n.number, span, text);
        }
        if (ctx instanceof CnnParser.StringAtomContext s) {
            StringBuilder value = new StringBuilder();
            for (TerminalNode t : s.STRING()) {
                value.append(CnnSyntax.unquote(t.getText()));
            }
            return new Py.Literal(new Ast.StringValue(value.toString(), span), text);
        }
        if (ctx instanceof CnnParser.NoneAtomContext) {
            return new Py.Literal(new Ast.NoneValue(span), text);
        }
        if (ctx instanceof CnnParser.BoolAtomContext b) {
            return new Py.Literal(new Ast.BoolValue(b.TRUE() != null, span), text);
        }
        if (ctx instanceof CnnParser.ParenAtomContext p) {
            if (p.compFor() != null) {
                return new Py.Opaque("a generator", span, text);
            }
            if (p.first == null) {
                return new Py.TupleExpr(List.of(), false, span, text);
            }
            if (p.items.isEmpty() && p.trailingComma == null) {
                return testOrStar(p.first); // (3) is just 3
            }
            List<CnnParser.TestOrStarContext> all = new ArrayList<>();
            all.add(p.first);
            all.addAll(p.items);
            return tuple(all, p);
        }
        if (ctx instanceof CnnParser.ListAtomContext l) {
            if (l.compFor() != null) {
                return new Py.Opaque("a list comprehension", span, text);
            }
            List<Py.Expr> items = new ArrayList<>();
            boolean starred = false;
            List<CnnParser.TestOrStarContext> all = new ArrayList<>();
            if (l.first != null) {
                all.add(l.first);
            }
            all.addAll(l.items);
            for (CnnParser.TestOrStarContext item : all) {
                starred |= item.test() == null;
                items.add(testOrStar(item));
            }
            return new Py.ListExpr(List.copyOf(items), starred, span, text);
        }
        if (ctx instanceof CnnParser.DictAtomContext) {
            return new Py.Opaque("a dictionary", span, text);
        }
        return new Py.Opaque("an ellipsis", span, text);
    }

    private Py.Expr number(Token token, Span span, String text) {
        String literal = token.getText();
        if (token.getType() == CnnLexer.IMAGINARY) {
            return new Py.Opaque("a complex number", span, text);
        }
        String digits = literal.replace("_", "");
        if (token.getType() == CnnLexer.INT) {
            BigInteger value;
            String lower = digits.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("0x")) {
                value = new BigInteger(digits.substring(2), 16);
            } else if (lower.startsWith("0o")) {
                value = new BigInteger(digits.substring(2), 8);
            } else if (lower.startsWith("0b")) {
                value = new BigInteger(digits.substring(2), 2);
            } else {
                value = new BigInteger(digits);
            }
            if (value.bitLength() > 63) {
                diagnostics.error(span, "integer " + literal + " is too large");
                return new Py.Literal(new Ast.IntValue(Long.MAX_VALUE, span), text);
            }
            return new Py.Literal(new Ast.IntValue(value.longValue(), span), text);
        }
        double value = Double.parseDouble(digits);
        if (Double.isInfinite(value)) {
            diagnostics.error(span, "number " + literal + " is too large");
        }
        return new Py.Literal(new Ast.FloatValue(value, literal, span), text);
    }
}
