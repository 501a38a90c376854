/*
 * The .cnn language: a Keras-like description of a sequential convolutional network, and the
 * Python subset of the Keras training scripts it may be pasted from.
 *
 * A file is a list of statements, one per line. Newlines inside brackets are whitespace (as in
 * Python), so a call may span several lines. Two styles are accepted and may be mixed:
 *
 *     model MnistCnn                        model = models.Sequential()
 *     input(28, 28, 1)                      model.add(layers.Conv2D(32, (3, 3), input_shape=(28, 28, 1)))
 *     Conv2D(32, (3, 3))                    model.compile(optimizer='rmsprop', ...)
 *
 * Around the model, a pasted script may hold what Python scripts hold: docstrings, imports,
 * constants, arithmetic, `if`/`for`/`with`/`def` blocks (an indented block follows a line that ends
 * with ':'), data loading and printing. The grammar parses that subset of Python; which statements
 * build the model, and what the rest means, is decided after parsing (syntax.Script), and which calls
 * exist and which arguments they take by the compiler's checker, which can then give precise
 * messages ("unknown layer 'Conv2d', did you mean 'Conv2D'?") instead of a parse error.
 */
grammar Cnn;

tokens { INDENT, DEDENT }

@lexer::members {
    /** Brackets open at this point; newlines inside brackets are whitespace. */
    private int depth = 0;
    /** Tokens to hand out before lexing on: a NEWLINE, INDENT and DEDENT tokens, EOF. */
    private final java.util.ArrayDeque<Token> pending = new java.util.ArrayDeque<>();
    /** The columns of the open indented blocks, innermost first. */
    private final java.util.ArrayDeque<Integer> blocks = new java.util.ArrayDeque<>();
    /** Whether the current line has a token; blank and comment lines make no NEWLINE. */
    private boolean lineHasTokens = false;
    /** Whether the next token starts a line. */
    private boolean lineStart = true;
    /** Whether the last line ended with ':', which opens an indented block. */
    private boolean opensBlock = false;
    /** The type of the last token handed out on the current line. */
    private int lastType = -1;

    /** A token the lexer adds (NEWLINE at the end, INDENT, DEDENT), with a source as ANTLR's error recovery expects. */
    private Token virtual(int type, Token at) {
        CommonToken t = new CommonToken(_tokenFactorySourcePair, type, DEFAULT_TOKEN_CHANNEL, at.getStartIndex(),
                at.getStartIndex() - 1);
        t.setText(type == NEWLINE ? "\n" : "");
        t.setLine(at.getLine());
        t.setCharPositionInLine(at.getCharPositionInLine());
        t.setStartIndex(at.getStartIndex());
        t.setStopIndex(at.getStartIndex() - 1);
        return t;
    }

    /**
     * Python's indentation, leniently: a line more indented than the block it is in opens a block
     * (an INDENT) only after a line ending with ':'; elsewhere extra indentation is ignored, as the
     * .cnn language always did. A line less indented closes the blocks deeper than it (DEDENTs).
     */
    @Override
    public Token nextToken() {
        if (!pending.isEmpty()) {
            return pending.poll();
        }
        Token t = super.nextToken();
        if (t.getType() == EOF) {
            if (lineHasTokens) {
                pending.add(virtual(NEWLINE, t));
            }
            lineHasTokens = false;
            while (!blocks.isEmpty()) {
                blocks.pop();
                pending.add(virtual(CnnParser.DEDENT, t));
            }
            pending.add(t);
            return pending.poll();
        }
        if (t.getType() == NEWLINE) {
            if (!lineHasTokens) {
                return nextToken();
            }
            lineHasTokens = false;
            lineStart = true;
            opensBlock = lastType == COLON;
            return t;
        }
        if (lineStart) {
            lineStart = false;
            int column = t.getCharPositionInLine();
            int current = blocks.isEmpty() ? 0 : blocks.peek();
            if (opensBlock && column > current) {
                blocks.push(column);
                pending.add(virtual(CnnParser.INDENT, t));
            } else {
                while (!blocks.isEmpty() && blocks.peek() > column) {
                    blocks.pop();
                    pending.add(virtual(CnnParser.DEDENT, t));
                }
            }
            opensBlock = false;
        }
        lineHasTokens = true;
        lastType = t.getType();
        if (pending.isEmpty()) {
            return t;
        }
        pending.add(t);
        return pending.poll();
    }
}

// ---------------------------------------------------------------------------------------------
// Statements

file
    : statementLine* EOF
    ;

statementLine
    : simpleStatements
    | compoundStatement
    ;

simpleStatements
    : simpleStatement (';' simpleStatement)* ';'? NEWLINE
    ;

simpleStatement
    : PACKAGE packageName                                        # packageStatement
    | MODEL anyName                                              # modelStatement
    | IMPORT importName (',' importName)*                        # importStatement
    | FROM relativeName IMPORT importList                        # fromImportStatement
    | first=testListStar ( ('=' rest+=testListStar)+
                         | ':' annotation=test ('=' annotated=testListStar)?
                         | augAssign augmented=testListStar )?   # expressionStatement
    | ( keyword=(PASS | BREAK | CONTINUE) | keyword=RETURN testListStar? | keyword=RAISE (test (FROM test)?)?
      | keyword=(GLOBAL | NONLOCAL) identifier (',' identifier)* | keyword=DEL exprList | keyword=ASSERT test (',' test)? )
                                                                 # otherStatement
    ;

/** A package line's name: its segments may be words Python reserves (the checker names Java's). */
packageName
    : anyName ('.' anyName)*
    ;

/** A name, or a keyword where only a name can stand (`model class` is then a located error). */
anyName
    : identifier | PACKAGE | IMPORT | FROM | AS | NONE | TRUE | FALSE | IF | ELIF | ELSE | FOR | IN | WHILE | WITH
    | TRY | EXCEPT | FINALLY | DEF | CLASS | RETURN | LAMBDA | NOT | AND | OR | IS | PASS | BREAK | CONTINUE | RAISE
    | GLOBAL | NONLOCAL | DEL | ASSERT | ASYNC | AWAIT
    ;

augAssign
    : '+=' | '-=' | '*=' | '/=' | '//=' | '%=' | '**=' | '@=' | '&=' | '|=' | '^=' | '<<=' | '>>='
    ;

compoundStatement
    : IF test ':' suite (ELIF test ':' suite)* (ELSE ':' orElse=suite)?                  # ifStatement
    | ASYNC? keyword=FOR exprList IN testListStar ':' suite (ELSE ':' suite)?          # blockStatement
    | keyword=WHILE test ':' suite (ELSE ':' suite)?                                   # blockStatement
    | ASYNC? keyword=WITH withItem (',' withItem)* ':' suite                           # withStatement
    | keyword=TRY ':' suite (EXCEPT (test (AS identifier)?)? ':' suite)* (ELSE ':' suite)? (FINALLY ':' suite)?
                                                                                       # tryStatement
    | decorator* ASYNC? keyword=DEF identifier '(' parameters? ')' ('->' test)? ':' suite # blockStatement
    | decorator* keyword=CLASS identifier ('(' arguments? ')')? ':' suite                # blockStatement
    ;

suite
    : simpleStatements
    | NEWLINE INDENT statementLine+ DEDENT
    ;

decorator
    : '@' dottedName ('(' arguments? ')')? NEWLINE
    ;

withItem
    : test (AS expr)?
    ;

parameters
    : parameter (',' parameter)* ','?
    ;

parameter
    : identifier (':' test)? ('=' test)?
    | '*' identifier? (':' test)?
    | '**' identifier (':' test)?
    | '/'
    ;

importList
    : '*'
    | importName (',' importName)* ','?
    | '(' importName (',' importName)* ','? ')'
    ;

importName
    : dottedName (AS identifier)?
    ;

relativeName
    : '.'* dottedName
    | '.'+
    ;

dottedName
    : identifier ('.' identifier)*
    ;

// ---------------------------------------------------------------------------------------------
// Expressions, with Python's precedence

/** A value, or several separated by commas: a tuple without brackets (`img_rows, img_cols = 28, 28`). */
testListStar
    : items+=testOrStar (',' items+=testOrStar)* trailingComma=','?
    ;

testOrStar
    : test
    | '*' expr
    ;

exprList
    : items+=testOrStar (',' items+=testOrStar)* ','?
    ;

test
    : orTest (IF orTest ELSE test)?                              # conditionalTest
    | LAMBDA parameters? ':' test                                # lambdaTest
    ;

orTest
    : andTest (OR andTest)*
    ;

andTest
    : notTest (AND notTest)*
    ;

notTest
    : NOT notTest                                                # notNot
    | expr (compOp expr)*                                        # comparison
    ;

compOp
    : '<' | '>' | '==' | '>=' | '<=' | '!=' | IN | NOT IN | IS | IS NOT
    ;

expr
    : <assoc=right> expr op='**' expr                            # binaryExpr
    | op=('+' | '-' | '~') expr                                  # unaryExpr
    | expr op=('*' | '/' | '//' | '%' | '@') expr                # binaryExpr
    | expr op=('+' | '-') expr                                   # binaryExpr
    | expr op=('<<' | '>>') expr                                 # binaryExpr
    | expr op='&' expr                                           # binaryExpr
    | expr op='^' expr                                           # binaryExpr
    | expr op='|' expr                                           # binaryExpr
    | AWAIT? atom trailer*                                       # primaryExpr
    ;

atom
    : '(' (first=testOrStar (compFor | (',' items+=testOrStar)* trailingComma=','?))? ')'   # parenAtom
    | '[' (first=testOrStar (compFor | (',' items+=testOrStar)* ','?))? ']'                 # listAtom
    | '{' dictItems? '}'                                         # dictAtom
    | identifier                                                 # nameAtom
    | number=(INT | FLOAT | IMAGINARY)                           # numberAtom
    | STRING+                                                    # stringAtom
    | NONE                                                       # noneAtom
    | (TRUE | FALSE)                                             # boolAtom
    | '...'                                                      # ellipsisAtom
    ;

dictItems
    : dictItem (compFor | (',' dictItem)* ','?)
    ;

dictItem
    : test (':' test)?
    | ('*' | '**') expr
    ;

compFor
    : ASYNC? FOR exprList IN orTest (compFor | IF orTest)*
    ;

trailer
    : '(' arguments? ')'                                         # callTrailer
    | '[' subscript (',' subscript)* ','? ']'                    # subscriptTrailer
    | '.' identifier                                             # attributeTrailer
    ;

/** Positional arguments, then keyword arguments `name=value` (checked after parsing, as Python does). */
arguments
    : argument (',' argument)* ','?
    ;

argument
    : identifier '=' test                                        # keywordArgument
    | test compFor?                                              # positionalArgument
    | stars=('*' | '**') test                                    # starArgument
    ;

subscript
    : test
    | test? ':' test? (':' test?)?
    ;

/** The keyword `model` of the .cnn language stays usable as a name: `model.add(...)` is a call on `model`. */
identifier
    : IDENTIFIER
    | MODEL
    ;

// ---------------------------------------------------------------------------------------------
// Tokens

PACKAGE  : 'package' ;
MODEL    : 'model' ;
IMPORT   : 'import' ;
FROM     : 'from' ;
AS       : 'as' ;
NONE     : 'None' ;
TRUE     : 'True' ;
FALSE    : 'False' ;
IF       : 'if' ;
ELIF     : 'elif' ;
ELSE     : 'else' ;
FOR      : 'for' ;
IN       : 'in' ;
WHILE    : 'while' ;
WITH     : 'with' ;
TRY      : 'try' ;
EXCEPT   : 'except' ;
FINALLY  : 'finally' ;
DEF      : 'def' ;
CLASS    : 'class' ;
RETURN   : 'return' ;
LAMBDA   : 'lambda' ;
NOT      : 'not' ;
AND      : 'and' ;
OR       : 'or' ;
IS       : 'is' ;
PASS     : 'pass' ;
BREAK    : 'break' ;
CONTINUE : 'continue' ;
RAISE    : 'raise' ;
GLOBAL   : 'global' ;
NONLOCAL : 'nonlocal' ;
DEL      : 'del' ;
ASSERT   : 'assert' ;
ASYNC    : 'async' ;
AWAIT    : 'await' ;

LPAREN   : '(' { depth++; } ;
RPAREN   : ')' { if (depth > 0) depth--; } ;
LBRACKET : '[' { depth++; } ;
RBRACKET : ']' { if (depth > 0) depth--; } ;
LBRACE   : '{' { depth++; } ;
RBRACE   : '}' { if (depth > 0) depth--; } ;
COMMA    : ',' ;
ELLIPSIS : '...' ;
DOT      : '.' ;
COLON    : ':' ;
SEMI     : ';' ;
ARROW    : '->' ;
POWER_ASSIGN : '**=' ;
FLOOR_ASSIGN : '//=' ;
LSHIFT_ASSIGN : '<<=' ;
RSHIFT_ASSIGN : '>>=' ;
ADD_ASSIGN : '+=' ;
SUB_ASSIGN : '-=' ;
MUL_ASSIGN : '*=' ;
DIV_ASSIGN : '/=' ;
MOD_ASSIGN : '%=' ;
AT_ASSIGN  : '@=' ;
AND_ASSIGN : '&=' ;
OR_ASSIGN  : '|=' ;
XOR_ASSIGN : '^=' ;
POWER    : '**' ;
FLOOR    : '//' ;
LSHIFT   : '<<' ;
RSHIFT   : '>>' ;
EQUALS   : '==' ;
NOT_EQUALS : '!=' ;
LESS_EQUAL : '<=' ;
GREATER_EQUAL : '>=' ;
LESS     : '<' ;
GREATER  : '>' ;
ASSIGN   : '=' ;
STAR     : '*' ;
SLASH    : '/' ;
PERCENT  : '%' ;
AT       : '@' ;
AMPERSAND : '&' ;
PIPE     : '|' ;
CARET    : '^' ;
TILDE    : '~' ;
MINUS    : '-' ;
PLUS     : '+' ;

INT
    : DIGIT ('_'? DIGIT)*
    | '0' [xX] ('_'? HEX_DIGIT)+
    | '0' [oO] ('_'? [0-7])+
    | '0' [bB] ('_'? [01])+
    ;

FLOAT
    : DIGITS '.' DIGITS? EXPONENT?
    | '.' DIGITS EXPONENT?
    | DIGITS EXPONENT
    ;

IMAGINARY
    : (FLOAT | DIGITS) [jJ]
    ;

/** Every Python string form: quotes single, double or tripled, with prefixes r, b, u, f and their pairs. */
STRING
    : STRING_PREFIX? ( '\'\'\'' ( ~'\\' | '\\' . )*? '\'\'\''
                     | '"""' ( ~'\\' | '\\' . )*? '"""'
                     | '\'' ( ~['\\\r\n] | '\\' . )* '\''
                     | '"' ( ~["\\\r\n] | '\\' . )* '"' )
    ;

/** A string that reaches the end of the line (or of the file, tripled); reported as "unterminated string". */
UNTERMINATED_STRING
    : STRING_PREFIX? ( '\'\'\'' ( ~['\\] | '\\' . | '\'' ~'\'' | '\'\'' ~'\'' )* EOF
                     | '"""' ( ~["\\] | '\\' . | '"' ~'"' | '""' ~'"' )* EOF
                     | '\'' ( ~['\\\r\n] | '\\' . )*
                     | '"' ( ~["\\\r\n] | '\\' . )* )
    ;

IDENTIFIER
    : [a-zA-Z_] [a-zA-Z_0-9]*
    ;

NEWLINE
    : ('\r'? '\n' | '\r') { if (depth > 0) skip(); }
    ;

COMMENT
    : '#' ~[\r\n]* -> skip
    ;

LINE_CONTINUATION
    : '\\' [ \t]* ('\r'? '\n' | '\r') -> skip
    ;

WHITESPACE
    : [ \t\f]+ -> skip
    ;

/** Any other character; reported as "unexpected character". */
UNEXPECTED_CHARACTER
    : .
    ;

fragment DIGIT         : [0-9] ;
fragment DIGITS        : DIGIT ('_'? DIGIT)* ;
fragment HEX_DIGIT     : [0-9a-fA-F] ;
fragment EXPONENT      : [eE] [+-]? DIGITS ;
fragment STRING_PREFIX : [rRbBuUfF] | [rR] [bBfF] | [bBfF] [rR] ;
