package dev.cnnc.compiler.syntax;

import dev.cnnc.compiler.diag.Diagnostics;
import dev.cnnc.compiler.diag.Span;
import dev.cnnc.compiler.syntax.Ast.Argument;
import dev.cnnc.compiler.syntax.Ast.Call;
import dev.cnnc.compiler.syntax.Ast.Program;
import dev.cnnc.compiler.syntax.Ast.Statement;
import dev.cnnc.compiler.syntax.Ast.Value;
import dev.cnnc.grammar.CnnBaseVisitor;
import dev.cnnc.grammar.CnnLexer;
import dev.cnnc.grammar.CnnParser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.FailedPredicateException;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Parses a {@code .cnn} file into an {@link Ast.Program}, reporting syntax errors as located
 * diagnostics with what was expected ("expected ')' or ',', found end of line").
 */
public final class CnnSyntax {
    /** Files longer than this are refused before parsing. */
    public static final int MAX_CHARS = 1 << 20;
    /** Brackets nested deeper than this are refused before parsing. */
    public static final int MAX_NESTING = 32;
    private static final int MAX_SYNTAX_ERRORS = 50;

    private CnnSyntax() {}

    /** Parses the diagnostics' source file. Returns null if there were syntax errors. */
    public static Program parse(Diagnostics diagnostics) {
        String text = diagnostics.source().text();
        if (text.length() > MAX_CHARS) {
            diagnostics.error(new Span(1, 1, 1), String.format(
                    "file is too large: %,d characters (the limit is %,d); a .cnn file describes one model in a few lines",
                    text.length(), MAX_CHARS));
            return null;
        }
        String lexed = forLexer(text);
        CnnLexer lexer = new CnnLexer(CharStreams.fromString(lexed, diagnostics.source().name()));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        if (!lexed.equals(text)) {
            restoreTexts(tokens.getTokens(), text);
        }
        if (!checkBrackets(tokens.getTokens(), diagnostics)) {
            return null;
        }
        CnnParser parser = new CnnParser(tokens);
        parser.removeErrorListeners();
        int[] errors = {0};
        int[] lastLine = {0};
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int column, String msg,
                    RecognitionException e) {
                // One error per line: the rest of a broken line is usually noise from recovery.
                if (line != lastLine[0] && errors[0] < MAX_SYNTAX_ERRORS) {
                    diagnostics.error(spanOf((Token) offendingSymbol), msg);
                }
                lastLine[0] = line;
                errors[0]++;
            }
        });
        parser.setErrorHandler(new ErrorStrategy());
        CnnParser.FileContext file = parser.file();
        if (errors[0] > 0) {
            return null;
        }
        Program program = new AstBuilder(diagnostics).program(file);
        return diagnostics.hasErrors() ? null : program;
    }

    /**
     * The text as the lexer sees it, of the same length so that token offsets, lines and columns are
     * those of {@link dev.cnnc.compiler.diag.SourceFile}: a lone {@code \r} becomes {@code \n} (ANTLR
     * counts lines by {@code \n} only, the language also ends them with {@code \r}), and each UTF-16
     * surrogate becomes U+FFFD (ANTLR counts columns in code points, diagnostics in chars). Neither
     * changes how the text splits into tokens: surrogates may only appear in strings and comments, where
     * any character is allowed, or as an unexpected character either way.
     */
    static String forLexer(String text) {
        char[] chars = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char replacement;
            if (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n')) {
                replacement = '\n';
            } else if (Character.isSurrogate(c)) {
                replacement = '\uFFFD';
            } else {
                continue;
            }
            if (chars == null) {
                chars = text.toCharArray();
            }
            chars[i] = replacement;
        }
        return chars == null ? text : new String(chars);
    }

    /** Gives each token its text from the original file (see {@link #forLexer}). */
    private static void restoreTexts(List<Token> tokens, String text) {
        for (Token t : tokens) {
            int start = t.getStartIndex();
            int stop = t.getStopIndex();
            if (t.getType() == Token.EOF || start < 0 || stop < start || stop >= text.length()) {
                continue;
            }
            if (t.getType() == CnnLexer.UNEXPECTED_CHARACTER && Character.isHighSurrogate(text.charAt(start))
                    && start + 1 < text.length() && Character.isLowSurrogate(text.charAt(start + 1))) {
                stop++; // the whole character, for the message; the span stays on its first half
            }
            ((CommonToken) t).setText(text.substring(start, stop + 1));
        }
    }

    /**
     * Matches brackets before parsing, so that a missing ')' is reported where the '(' was opened,
     * as Python does, rather than lines later where the parser notices.
     */
    private static boolean checkBrackets(List<Token> tokens, Diagnostics diagnostics) {
        java.util.ArrayDeque<Token> open = new java.util.ArrayDeque<>();
        for (Token t : tokens) {
            int type = t.getType();
            if (type == CnnLexer.UNTERMINATED_STRING) {
                diagnostics.error(spanOf(t), message(t, null));
                return false;
            }
            if (type == CnnLexer.LPAREN || type == CnnLexer.LBRACKET) {
                open.push(t);
                if (open.size() > MAX_NESTING) {
                    diagnostics.error(spanOf(t), "brackets are nested too deeply (more than " + MAX_NESTING + " levels)");
                    return false;
                }
            } else if (type == CnnLexer.RPAREN || type == CnnLexer.RBRACKET) {
                String closer = t.getText();
                if (open.isEmpty()) {
                    diagnostics.error(spanOf(t), "unmatched '" + closer + "'");
                    return false;
                }
                Token opener = open.pop();
                String expected = opener.getType() == CnnLexer.LPAREN ? ")" : "]";
                if (!expected.equals(closer)) {
                    diagnostics.error(spanOf(t), "'" + closer + "' does not match the '" + opener.getText() + "' at "
                            + spanOf(opener) + "; expected '" + expected + "'");
                    return false;
                }
            }
        }
        if (!open.isEmpty()) {
            Token opener = open.getLast();
            diagnostics.error(spanOf(opener), "'" + opener.getText() + "' is never closed");
            return false;
        }
        return true;
    }

    static Span spanOf(Token token) {
        int length = token.getType() == Token.EOF || token.getType() == CnnLexer.NEWLINE ? 1
                : Math.max(1, token.getStopIndex() - token.getStartIndex() + 1);
        return new Span(Math.max(1, token.getLine()), token.getCharPositionInLine() + 1, length);
    }

    static Span spanOf(ParserRuleContext ctx) {
        Token start = ctx.getStart();
        Token stop = ctx.getStop() != null ? ctx.getStop() : start;
        Span first = spanOf(start);
        if (stop.getLine() != start.getLine()) {
            return first;
        }
        return new Span(first.line(), first.column(), stop.getStopIndex() - start.getStartIndex() + 1);
    }

    // -----------------------------------------------------------------------------------------
    // Error messages

    /** ANTLR's recovery, with messages in the words of the language rather than token names. */
    private static final class ErrorStrategy extends DefaultErrorStrategy {
        @Override
        protected void reportNoViableAlternative(Parser parser, NoViableAltException e) {
            report(parser, e.getOffendingToken(), e.getExpectedTokens(), e);
        }

        @Override
        protected void reportInputMismatch(Parser parser, InputMismatchException e) {
            report(parser, e.getOffendingToken(), e.getExpectedTokens(), e);
        }

        @Override
        protected void reportFailedPredicate(Parser parser, FailedPredicateException e) {
            report(parser, e.getOffendingToken(), e.getExpectedTokens(), e);
        }

        @Override
        protected void reportUnwantedToken(Parser parser) {
            if (inErrorRecoveryMode(parser)) {
                return;
            }
            beginErrorCondition(parser);
            report(parser, parser.getCurrentToken(), getExpectedTokens(parser), null);
        }

        @Override
        protected void reportMissingToken(Parser parser) {
            if (inErrorRecoveryMode(parser)) {
                return;
            }
            beginErrorCondition(parser);
            report(parser, parser.getCurrentToken(), getExpectedTokens(parser), null);
        }

        private static void report(Parser parser, Token found, IntervalSet expected, RecognitionException e) {
            parser.notifyErrorListeners(found, message(found, expected), e);
        }
    }

    static String message(Token found, IntervalSet expected) {
        if (found.getType() == CnnLexer.UNTERMINATED_STRING) {
            return "unterminated string: add the closing " + found.getText().charAt(0);
        }
        if (found.getType() == CnnLexer.UNEXPECTED_CHARACTER) {
            return "unexpected character " + quoteChar(found.getText());
        }
        String wanted = describe(expected);
        return wanted.isEmpty() ? "unexpected " + describe(found) : "expected " + wanted + ", found " + describe(found);
    }

    private static String quoteChar(String text) {
        int cp = text.codePointAt(0);
        return cp < 0x20 || cp == 0x7f || cp > 0x7e ? String.format("U+%04X", cp) : "'" + text + "'";
    }

    private static String describe(Token token) {
        switch (token.getType()) {
            case Token.EOF:
                return "end of file";
            case CnnLexer.NEWLINE:
                return "end of line";
            default:
                String text = token.getText();
                return "'" + (text.length() > 40 ? text.substring(0, 37) + "..." : text) + "'";
        }
    }

    private static final Set<Integer> VALUE_START = Set.of(CnnLexer.INT, CnnLexer.FLOAT, CnnLexer.STRING, CnnLexer.LPAREN,
            CnnLexer.LBRACKET, CnnLexer.NONE, CnnLexer.TRUE, CnnLexer.FALSE, CnnLexer.MINUS, CnnLexer.PLUS);
    private static final Set<Integer> NAME = Set.of(CnnLexer.IDENTIFIER, CnnLexer.MODEL, CnnLexer.PACKAGE, CnnLexer.IMPORT,
            CnnLexer.FROM, CnnLexer.AS);

    /** "a value", "')' or ','", "a name, a newline or end of file". */
    static String describe(IntervalSet expected) {
        if (expected == null) {
            return "";
        }
        List<Integer> types = expected.toList();
        Set<String> words = new LinkedHashSet<>();
        boolean value = types.containsAll(VALUE_START);
        boolean name = types.stream().anyMatch(NAME::contains);
        if (value) {
            words.add("a value");
        } else if (name) {
            words.add("a name");
        }
        for (int type : types) {
            if ((value && (VALUE_START.contains(type) || NAME.contains(type))) || NAME.contains(type)) {
                continue;
            }
            switch (type) {
                case Token.EOF -> words.add("end of file");
                case CnnLexer.NEWLINE -> words.add("end of line");
                case CnnLexer.INT, CnnLexer.FLOAT -> words.add("a number");
                case CnnLexer.STRING -> words.add("a string");
                default -> {
                    String literal = CnnLexer.VOCABULARY.getLiteralName(type);
                    if (literal != null) {
                        words.add(literal);
                    }
                }
            }
        }
        if (words.contains("end of line")) {
            // A statement may also end with ';' or at the end of the file; "end of line" says it.
            words.remove("end of file");
            words.remove("';'");
        }
        List<String> list = new ArrayList<>(words);
        if (list.size() <= 1) {
            return String.join("", list);
        }
        return String.join(", ", list.subList(0, list.size() - 1)) + " or " + list.get(list.size() - 1);
    }

    // -----------------------------------------------------------------------------------------
    // Parse tree to AST

    private static final class AstBuilder extends CnnBaseVisitor<Object> {
        private final Diagnostics diagnostics;

        AstBuilder(Diagnostics diagnostics) {
            this.diagnostics = diagnostics;
        }

        Program program(CnnParser.FileContext file) {
            List<Statement> statements = new ArrayList<>();
            for (CnnParser.StatementContext s : file.statement()) {
                statements.add((Statement) visit(s));
            }
            return new Program(List.copyOf(statements));
        }

        @Override
        public Statement visitPackageStatement(CnnParser.PackageStatementContext ctx) {
            return new Ast.PackageStatement(ctx.dottedName().getText(), spanOf(ctx.dottedName()));
        }

        @Override
        public Statement visitModelStatement(CnnParser.ModelStatementContext ctx) {
            return new Ast.ModelStatement(ctx.identifier().getText(), spanOf(ctx.identifier()));
        }

        @Override
        public Statement visitImportStatement(CnnParser.ImportStatementContext ctx) {
            return new Ast.ImportStatement(spanOf(ctx));
        }

        @Override
        public Statement visitFromImportStatement(CnnParser.FromImportStatementContext ctx) {
            return new Ast.ImportStatement(spanOf(ctx));
        }

        @Override
        public Statement visitAssignStatement(CnnParser.AssignStatementContext ctx) {
            return new Ast.AssignStatement(ctx.dottedName().getText(), spanOf(ctx.dottedName()), value(ctx.value()));
        }

        @Override
        public Statement visitCallStatement(CnnParser.CallStatementContext ctx) {
            return new Ast.CallStatement(call(ctx.call()));
        }

        private Call call(CnnParser.CallContext ctx) {
            List<Argument> arguments = new ArrayList<>();
            for (CnnParser.ArgumentContext a : ctx.argument()) {
                String name = a.identifier() == null ? null : a.identifier().getText();
                Span nameSpan = a.identifier() == null ? null : spanOf(a.identifier());
                arguments.add(new Argument(name, nameSpan, value(a.value())));
            }
            return new Call(ctx.dottedName().getText(), spanOf(ctx.dottedName()), List.copyOf(arguments),
                    spanOf(ctx.RPAREN().getSymbol()));
        }

        private Value value(CnnParser.ValueContext ctx) {
            return (Value) visit(ctx);
        }

        private List<Value> values(List<CnnParser.ValueContext> contexts) {
            List<Value> values = new ArrayList<>();
            for (CnnParser.ValueContext c : contexts) {
                values.add(value(c));
            }
            return List.copyOf(values);
        }

        @Override
        public Value visitCallValue(CnnParser.CallValueContext ctx) {
            return new Ast.CallValue(call(ctx.call()));
        }

        @Override
        public Value visitNumberValue(CnnParser.NumberValueContext ctx) {
            Span span = spanOf(ctx);
            boolean negative = ctx.sign != null && ctx.sign.getType() == CnnLexer.MINUS;
            String digits = ctx.number.getText();
            String literal = (negative ? "-" : "") + digits;
            if (ctx.number.getType() == CnnLexer.INT) {
                try {
                    return new Ast.IntValue(Long.parseLong(literal), span);
                } catch (NumberFormatException e) {
                    diagnostics.error(span, "integer " + literal + " is too large");
                    return new Ast.IntValue(negative ? Long.MIN_VALUE : Long.MAX_VALUE, span);
                }
            }
            double value = Double.parseDouble(literal);
            if (Double.isInfinite(value)) {
                diagnostics.error(span, "number " + literal + " is too large");
            }
            return new Ast.FloatValue(value, literal, span);
        }

        @Override
        public Value visitStringValue(CnnParser.StringValueContext ctx) {
            return new Ast.StringValue(unquote(ctx.STRING().getText()), spanOf(ctx));
        }

        @Override
        public Value visitNoneValue(CnnParser.NoneValueContext ctx) {
            return new Ast.NoneValue(spanOf(ctx));
        }

        @Override
        public Value visitBoolValue(CnnParser.BoolValueContext ctx) {
            return new Ast.BoolValue(ctx.TRUE() != null, spanOf(ctx));
        }

        @Override
        public Value visitTupleValue(CnnParser.TupleValueContext ctx) {
            List<Value> items = values(ctx.value());
            if (items.size() == 1 && ctx.trailingComma == null) {
                return items.get(0); // (3) is just 3, as in Python
            }
            return new Ast.TupleValue(items, spanOf(ctx));
        }

        @Override
        public Value visitListValue(CnnParser.ListValueContext ctx) {
            return new Ast.ListValue(values(ctx.value()), spanOf(ctx));
        }

        @Override
        public Value visitNameValue(CnnParser.NameValueContext ctx) {
            return new Ast.NameValue(ctx.getText(), spanOf(ctx));
        }
    }

    /** Removes the quotes of a string literal and resolves Python's common escapes. */
    static String unquote(String literal) {
        String body = literal.substring(1, literal.length() - 1);
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\' || i + 1 == body.length()) {
                out.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '0' -> out.append('\0');
                case '\\', '\'', '"' -> out.append(e);
                case 'u' -> {
                    if (isHex(body, i + 1, 4)) {
                        out.append((char) Integer.parseInt(body.substring(i + 1, i + 5), 16));
                        i += 4;
                    } else {
                        out.append('\\').append(e);
                    }
                }
                case 'x' -> {
                    if (isHex(body, i + 1, 2)) {
                        out.append((char) Integer.parseInt(body.substring(i + 1, i + 3), 16));
                        i += 2;
                    } else {
                        out.append('\\').append(e);
                    }
                }
                default -> out.append('\\').append(e);
            }
        }
        return out.toString();
    }

    private static boolean isHex(String s, int from, int count) {
        if (from + count > s.length()) {
            return false;
        }
        for (int i = from; i < from + count; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
