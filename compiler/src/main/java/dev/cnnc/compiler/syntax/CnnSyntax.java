package dev.cnnc.compiler.syntax;

import dev.cnnc.compiler.diag.Diagnostics;
import dev.cnnc.compiler.diag.Span;
import dev.cnnc.compiler.syntax.Ast.Program;
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
        return parse(diagnostics, Script.Options.DEFAULT);
    }

    /**
     * Parses the diagnostics' source file and reads it as a script ({@link Script}): the model's
     * statements, with the script's constants resolved. Returns null if there were syntax errors.
     */
    public static Program parse(Diagnostics diagnostics, Script.Options options) {
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
        List<Py.Stmt> statements = new PyBuilder(diagnostics, text).file(file);
        if (diagnostics.hasErrors()) {
            return null;
        }
        Program program = Script.read(statements, diagnostics, options);
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
            if (type == CnnLexer.LPAREN || type == CnnLexer.LBRACKET || type == CnnLexer.LBRACE) {
                open.push(t);
                if (open.size() > MAX_NESTING) {
                    diagnostics.error(spanOf(t), "brackets are nested too deeply (more than " + MAX_NESTING + " levels)");
                    return false;
                }
            } else if (type == CnnLexer.RPAREN || type == CnnLexer.RBRACKET || type == CnnLexer.RBRACE) {
                String closer = t.getText();
                if (open.isEmpty()) {
                    diagnostics.error(spanOf(t), "unmatched '" + closer + "'");
                    return false;
                }
                Token opener = open.pop();
                String expected = opener.getType() == CnnLexer.LPAREN ? ")" : opener.getType() == CnnLexer.LBRACKET ? "]" : "}";
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
        int length = token.getType() == Token.EOF || token.getType() == CnnLexer.NEWLINE
                || token.getType() == CnnParser.INDENT || token.getType() == CnnParser.DEDENT ? 1
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
            String text = found.getText();
            int quote = 0;
            while (quote < text.length() && text.charAt(quote) != '\'' && text.charAt(quote) != '"') {
                quote++; // past the prefix: r, b, f, u
            }
            char q = text.charAt(quote);
            boolean triple = text.startsWith(String.valueOf(q).repeat(3), quote);
            return "unterminated string: add the closing " + (triple ? String.valueOf(q).repeat(3) : String.valueOf(q));
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
            case CnnParser.INDENT:
                return "an indented line";
            case CnnParser.DEDENT:
                return "the end of the indented block";
            default:
                String text = token.getText();
                return "'" + (text.length() > 40 ? text.substring(0, 37) + "..." : text) + "'";
        }
    }

    private static final Set<Integer> VALUE_START = Set.of(CnnLexer.INT, CnnLexer.FLOAT, CnnLexer.STRING, CnnLexer.LPAREN,
            CnnLexer.LBRACKET, CnnLexer.NONE, CnnLexer.TRUE, CnnLexer.FALSE, CnnLexer.MINUS, CnnLexer.PLUS);
    /** Tokens that may also start a value, not worth naming beside "a value". */
    private static final Set<Integer> VALUE_EXTRA = Set.of(CnnLexer.LBRACE, CnnLexer.TILDE, CnnLexer.NOT, CnnLexer.LAMBDA,
            CnnLexer.ELLIPSIS, CnnLexer.STAR, CnnLexer.POWER, CnnLexer.IMAGINARY, CnnLexer.AWAIT);
    private static final Set<Integer> NAME = Set.of(CnnLexer.IDENTIFIER, CnnLexer.MODEL, CnnLexer.PACKAGE);
    /**
     * Tokens that may continue an expression or a statement (operators, '.', '(' after a value, '=',
     * 'if', 'for'): every value may be followed by them, so naming them says nothing.
     */
    private static final Set<Integer> CONTINUATIONS = Set.of(CnnLexer.DOT, CnnLexer.LPAREN, CnnLexer.LBRACKET,
            CnnLexer.POWER, CnnLexer.STAR, CnnLexer.SLASH, CnnLexer.FLOOR, CnnLexer.PERCENT, CnnLexer.AT, CnnLexer.PLUS,
            CnnLexer.MINUS, CnnLexer.LSHIFT, CnnLexer.RSHIFT, CnnLexer.AMPERSAND, CnnLexer.CARET, CnnLexer.PIPE,
            CnnLexer.LESS, CnnLexer.GREATER, CnnLexer.EQUALS, CnnLexer.NOT_EQUALS, CnnLexer.LESS_EQUAL,
            CnnLexer.GREATER_EQUAL, CnnLexer.IN, CnnLexer.NOT, CnnLexer.IS, CnnLexer.IF, CnnLexer.ELSE, CnnLexer.OR,
            CnnLexer.AND, CnnLexer.FOR, CnnLexer.ASYNC, CnnLexer.ASSIGN, CnnLexer.COLON, CnnLexer.ADD_ASSIGN,
            CnnLexer.SUB_ASSIGN, CnnLexer.MUL_ASSIGN, CnnLexer.DIV_ASSIGN, CnnLexer.MOD_ASSIGN, CnnLexer.POWER_ASSIGN,
            CnnLexer.FLOOR_ASSIGN, CnnLexer.AT_ASSIGN, CnnLexer.AND_ASSIGN, CnnLexer.OR_ASSIGN, CnnLexer.XOR_ASSIGN,
            CnnLexer.LSHIFT_ASSIGN, CnnLexer.RSHIFT_ASSIGN, CnnLexer.COMMA);

    /** "a value", "')' or ','", "a name, a newline or end of file". */
    static String describe(IntervalSet expected) {
        if (expected == null) {
            return "";
        }
        List<Integer> types = new ArrayList<>(expected.toList());
        boolean continuesValue = types.contains(CnnLexer.DOT) && types.contains(CnnLexer.PLUS);
        if (continuesValue) {
            // after a value: name what ends it (')' or ',', end of line), not every operator that could follow
            boolean comma = types.contains(CnnLexer.COMMA) && (types.contains(CnnLexer.RPAREN)
                    || types.contains(CnnLexer.RBRACKET) || types.contains(CnnLexer.RBRACE));
            types.removeIf(t -> CONTINUATIONS.contains(t) && !(comma && t == CnnLexer.COMMA));
        }
        types.removeIf(t -> t == CnnLexer.RBRACE && (types.contains(CnnLexer.RPAREN) || types.contains(CnnLexer.RBRACKET)));
        Set<String> words = new LinkedHashSet<>();
        boolean value = types.containsAll(VALUE_START);
        boolean name = types.stream().anyMatch(NAME::contains);
        if (value) {
            words.add("a value");
        } else if (name) {
            words.add("a name");
        }
        for (int type : types) {
            if ((value && (VALUE_START.contains(type) || VALUE_EXTRA.contains(type) || NAME.contains(type)))
                    || NAME.contains(type)) {
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

    /** Removes the quotes of a string literal and resolves Python's common escapes. */
    static String unquote(String literal) {
        int quote = 0;
        while (literal.charAt(quote) != '\'' && literal.charAt(quote) != '"') {
            quote++;
        }
        String prefix = literal.substring(0, quote).toLowerCase(java.util.Locale.ROOT);
        char q = literal.charAt(quote);
        int quotes = literal.startsWith(String.valueOf(q).repeat(3), quote) && literal.length() - quote >= 6 ? 3 : 1;
        String body = literal.substring(quote + quotes, literal.length() - quotes);
        if (prefix.contains("r")) {
            return body; // raw: backslashes stay
        }
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\' || i + 1 == body.length()) {
                out.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case '\n' -> { } // a backslash at the end of a line continues the string
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
