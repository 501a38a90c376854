/*
 * The .cnn language: a Keras-like description of a sequential convolutional network.
 *
 * A file is a list of statements, one per line. Newlines inside brackets are whitespace (as in
 * Python), so a call may span several lines. Two styles are accepted and may be mixed:
 *
 *     model MnistCnn                        model = models.Sequential()
 *     input(28, 28, 1)                      model.add(layers.Conv2D(32, (3, 3), input_shape=(28, 28, 1)))
 *     Conv2D(32, (3, 3))                    model.compile(optimizer='rmsprop', ...)
 *
 * The grammar is deliberately generic: every layer, `input`, `compile` and `fit` is a call. Which
 * calls exist and which arguments they take is decided by the compiler's checker, which can then
 * give precise messages ("unknown layer 'Conv2d', did you mean 'Conv2D'?") instead of a parse error.
 */
grammar Cnn;

@lexer::members {
    /** Brackets open at this point; newlines inside brackets are whitespace. */
    private int depth = 0;
}

// ---------------------------------------------------------------------------------------------
// Statements

file
    : separator* (statement (separator+ statement)*)? separator* EOF
    ;

separator
    : NEWLINE
    | ';'
    ;

statement
    : PACKAGE dottedName                                         # packageStatement
    | MODEL identifier                                           # modelStatement
    | IMPORT importName (',' importName)*                        # importStatement
    | FROM dottedName IMPORT importList                          # fromImportStatement
    | dottedName '=' value                                       # assignStatement
    | call                                                       # callStatement
    ;

importList
    : '*'
    | importName (',' importName)*
    | '(' importName (',' importName)* ','? ')'
    ;

importName
    : dottedName (AS identifier)?
    ;

// ---------------------------------------------------------------------------------------------
// Calls and values

/** A call such as `Conv2D(32, (3, 3), activation='relu')` or `model.add(layers.Dense(10))`. */
call
    : dottedName '(' (argument (',' argument)* ','?)? ')'
    ;

/** A positional argument, or a keyword argument `name=value`. */
argument
    : (identifier '=')? value
    ;

value
    : call                                                       # callValue
    | sign=('-' | '+')? number=(INT | FLOAT)                     # numberValue
    | STRING                                                     # stringValue
    | NONE                                                       # noneValue
    | (TRUE | FALSE)                                             # boolValue
    | '(' (value (',' value)* trailingComma=','?)? ')'          # tupleValue
    | '[' (value (',' value)* ','?)? ']'                         # listValue
    | dottedName                                                 # nameValue
    ;

dottedName
    : identifier ('.' identifier)*
    ;

/** Keywords of the language stay usable as names: `model.add(...)` is a call on `model`. */
identifier
    : IDENTIFIER
    | MODEL
    | PACKAGE
    | IMPORT
    | FROM
    | AS
    ;

// ---------------------------------------------------------------------------------------------
// Tokens

PACKAGE : 'package' ;
MODEL   : 'model' ;
IMPORT  : 'import' ;
FROM    : 'from' ;
AS      : 'as' ;
NONE    : 'None' ;
TRUE    : 'True' ;
FALSE   : 'False' ;

LPAREN   : '(' { depth++; } ;
RPAREN   : ')' { if (depth > 0) depth--; } ;
LBRACKET : '[' { depth++; } ;
RBRACKET : ']' { if (depth > 0) depth--; } ;
COMMA    : ',' ;
DOT      : '.' ;
ASSIGN   : '=' ;
SEMI     : ';' ;
STAR     : '*' ;
MINUS    : '-' ;
PLUS     : '+' ;

INT
    : DIGIT+
    ;

FLOAT
    : DIGIT+ '.' DIGIT* EXPONENT?
    | '.' DIGIT+ EXPONENT?
    | DIGIT+ EXPONENT
    ;

STRING
    : '\'' (~['\\\r\n] | '\\' ~[\r\n])* '\''
    | '"' (~["\\\r\n] | '\\' ~[\r\n])* '"'
    ;

/** A string that reaches the end of the line; reported as "unterminated string". */
UNTERMINATED_STRING
    : '\'' (~['\\\r\n] | '\\' ~[\r\n])*
    | '"' (~["\\\r\n] | '\\' ~[\r\n])*
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

fragment DIGIT    : [0-9] ;
fragment EXPONENT : [eE] [+-]? DIGIT+ ;
