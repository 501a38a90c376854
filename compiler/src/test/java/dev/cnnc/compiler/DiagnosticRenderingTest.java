package dev.cnnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cnnc.compiler.diag.SourceFile;
import org.junit.jupiter.api.Test;

class DiagnosticRenderingTest {

    @Test
    void rendersHeadlineSourceLineAndCaretUnderTheOffendingText() {
        SourceFile src = new SourceFile("models/Net.cnn", "input(28, 28, 1)\nConv2D(8, (3, 3), activation='rleu')\n");
        String rendered = CnnCompiler.check(src).diagnostics().render();
        assertEquals("""
                models/Net.cnn:2:30: error: unknown activation 'rleu', did you mean 'relu'? (known: linear, relu, sigmoid, \
                hard_sigmoid, tanh, softmax, softplus, softsign, elu, selu, exponential)
                Conv2D(8, (3, 3), activation='rleu')
                                             ^~~~~~
                """, rendered);
    }

    @Test
    void caretKeepsTabsSoThatItLinesUp() {
        SourceFile src = new SourceFile("T.cnn", "input(4)\n\tDense(0)\n");
        String rendered = CnnCompiler.check(src).diagnostics().render();
        assertEquals("T.cnn:2:8: error: units must be a positive integer, found 0\n\tDense(0)\n\t      ^\n", rendered);
    }

    @Test
    void errorAtEndOfFileIsDrawnAfterTheLastCharacter() {
        SourceFile src = new SourceFile("T.cnn", "input(4)\nDense(4,");
        String rendered = CnnCompiler.check(src).diagnostics().render();
        assertEquals("T.cnn:2:6: error: '(' is never closed\nDense(4,\n     ^\n", rendered);
    }

    @Test
    void warningsUseTheSameFormat() {
        SourceFile src = new SourceFile("T.cnn", "input(4)\nDense(2, activation='softmax')\nfit(x_train, epochs=1)\n");
        CnnCompiler.Checked checked = CnnCompiler.check(src);
        assertEquals(true, checked.ok());
        assertEquals("T.cnn:3:5: warning: fit's x=x_train binds nothing: cnnc train reads MNIST itself (see its --data option)",
                checked.diagnostics().all().get(0).headline());
    }
}
