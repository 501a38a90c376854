package dev.cnnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cnnc.compiler.diag.Diagnostics;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.syntax.Ast;
import dev.cnnc.compiler.syntax.Ast.Call;
import dev.cnnc.compiler.syntax.Ast.Value;
import dev.cnnc.compiler.syntax.CnnSyntax;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per syntax form of the grammar, asserting the tree it produces. */
class SyntaxTest {

    private static Ast.Program parse(String text) {
        Diagnostics d = new Diagnostics(new SourceFile("T.cnn", text));
        Ast.Program p = CnnSyntax.parse(d);
        assertNotNull(p, d.render());
        return p;
    }

    private static Call onlyCall(String text) {
        List<Ast.Statement> s = parse(text).statements();
        assertEquals(1, s.size());
        return ((Ast.CallStatement) s.get(0)).call();
    }

    private static Value onlyArgument(String valueText) {
        return onlyCall("f(" + valueText + ")").arguments().get(0).value();
    }

    @Test
    void packageAndModelLines() {
        List<Ast.Statement> s = parse("package com.example.nets\nmodel Net\n").statements();
        assertEquals("com.example.nets", ((Ast.PackageStatement) s.get(0)).name());
        assertEquals("Net", ((Ast.ModelStatement) s.get(1)).name());
        assertEquals(2, s.get(1).span().line());
        assertEquals(7, s.get(1).span().column());
    }

    @Test
    void importsAreParsed() {
        List<Ast.Statement> s = parse("""
                import keras
                import numpy as np, tensorflow as tf
                from keras import layers, models
                from keras.layers import (Conv2D,
                    Dense,)
                from keras.layers import *
                """).statements();
        assertEquals(5, s.size());
        s.forEach(st -> assertInstanceOf(Ast.ImportStatement.class, st));
    }

    @Test
    void assignmentOfACall() {
        Ast.AssignStatement a = (Ast.AssignStatement) parse("model = models.Sequential()").statements().get(0);
        assertEquals("model", a.target());
        assertEquals("models.Sequential", ((Ast.CallValue) a.value()).call().name());
    }

    @Test
    void callWithPositionalAndKeywordArguments() {
        Call c = onlyCall("layers.Conv2D(32, (3, 3), activation='relu')");
        assertEquals("layers.Conv2D", c.name());
        assertEquals("Conv2D", c.simpleName());
        assertEquals("layers", c.qualifier());
        assertEquals(3, c.arguments().size());
        assertNull(c.arguments().get(0).name());
        assertEquals("activation", c.arguments().get(2).name());
    }

    @Test
    void nestedCallOnAModel() {
        Call c = onlyCall("model.add(layers.Dense(10, activation='softmax'))");
        assertEquals("model.add", c.name());
        Call inner = ((Ast.CallValue) c.arguments().get(0).value()).call();
        assertEquals("layers.Dense", inner.name());
    }

    @Test
    void integersAndSignedNumbers() {
        assertEquals(32L, ((Ast.IntValue) onlyArgument("32")).value());
        assertEquals(-3L, ((Ast.IntValue) onlyArgument("-3")).value());
        assertEquals(3L, ((Ast.IntValue) onlyArgument("+3")).value());
    }

    @Test
    void floatsInEveryForm() {
        assertEquals(0.001, ((Ast.FloatValue) onlyArgument("1e-3")).value());
        assertEquals(0.5, ((Ast.FloatValue) onlyArgument(".5")).value());
        assertEquals(2.0, ((Ast.FloatValue) onlyArgument("2.")).value());
        assertEquals(-0.25, ((Ast.FloatValue) onlyArgument("-2.5E-1")).value());
    }

    @Test
    void stringsInEitherQuoteWithEscapes() {
        assertEquals("relu", ((Ast.StringValue) onlyArgument("'relu'")).value());
        assertEquals("relu", ((Ast.StringValue) onlyArgument("\"relu\"")).value());
        assertEquals("it's \"x\"\n", ((Ast.StringValue) onlyArgument("'it\\'s \\\"x\\\"\\n'")).value());
        assertEquals("\"", ((Ast.StringValue) onlyArgument("'\\u0022'")).value());
    }

    @Test
    void noneTrueFalse() {
        assertInstanceOf(Ast.NoneValue.class, onlyArgument("None"));
        assertEquals(true, ((Ast.BoolValue) onlyArgument("True")).value());
        assertEquals(false, ((Ast.BoolValue) onlyArgument("False")).value());
    }

    @Test
    void tuplesListsAndParentheses() {
        assertEquals(2, ((Ast.TupleValue) onlyArgument("(3, 3)")).items().size());
        assertEquals(1, ((Ast.TupleValue) onlyArgument("(784,)")).items().size());
        assertEquals(0, ((Ast.TupleValue) onlyArgument("()")).items().size());
        assertInstanceOf(Ast.IntValue.class, onlyArgument("(3)"), "(3) is 3, as in Python");
        assertEquals(3, ((Ast.ListValue) onlyArgument("[0, 1, 2,]")).items().size());
        assertEquals(0, ((Ast.ListValue) onlyArgument("[]")).items().size());
    }

    @Test
    void namesAndConfiguredObjects() {
        assertEquals("train_images", ((Ast.NameValue) onlyArgument("train_images")).name());
        Call l2 = ((Ast.CallValue) onlyArgument("regularizers.l2(0.001)")).call();
        assertEquals("l2", l2.simpleName());
    }

    @Test
    void commentsBlankLinesSemicolonsAndContinuations() {
        List<Ast.Statement> s = parse("""
                # a comment

                input(28, 28, 1)   # trailing comment
                Flatten(); Dense(10)
                model.compile(optimizer='rmsprop',
                              loss='categorical_crossentropy')   # spans two lines
                Dense(10, \\
                      activation='relu')
                """).statements();
        assertEquals(5, s.size());
        assertEquals(5, s.get(3).span().line());
    }

    @Test
    void fileWithoutFinalNewlineAndWindowsLineEnds() {
        assertEquals(2, parse("input(4)\r\nDense(2)").statements().size());
    }

    @Test
    void languageKeywordsStayUsableAsNames() {
        List<Ast.Statement> s = parse("model = Sequential()\nmodel.summary()\n").statements();
        assertEquals("model.summary", ((Ast.CallStatement) s.get(1)).call().name());
    }
}
