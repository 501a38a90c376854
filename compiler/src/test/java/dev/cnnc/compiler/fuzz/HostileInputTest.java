package dev.cnnc.compiler.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.check.Checker;
import dev.cnnc.compiler.diag.Diagnostic;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.syntax.CnnSyntax;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Inputs built to exhaust the compiler: each is refused quickly, with one clear error at the right
 * place, instead of an OutOfMemoryError, a StackOverflowError or minutes of work. Every case also
 * passes the fuzz test's {@link Pipeline} property.
 */
class HostileInputTest {
    /** Far more than any of these needs on the slowest machine; a quadratic blow-up would exceed it. */
    static final Duration QUICKLY = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static List<Diagnostic> errors(String text) {
        CnnCompiler.Checked checked = assertTimeoutPreemptively(QUICKLY,
                () -> Pipeline.run(new SourceFile("Hostile.cnn", text), true).checked());
        assertFalse(checked.ok(), "must be refused");
        return checked.diagnostics().all().stream().filter(Diagnostic::isError).toList();
    }

    private static Diagnostic onlyError(String text) {
        List<Diagnostic> errors = errors(text);
        assertEquals(1, errors.size(), () -> errors.toString());
        return errors.get(0);
    }

    private static void assertOk(String text) {
        CnnCompiler.Checked checked = assertTimeoutPreemptively(QUICKLY,
                () -> Pipeline.run(new SourceFile("Hostile.cnn", text), true).checked());
        assertTrue(checked.ok(), () -> checked.diagnostics().render());
    }

    // ---------------------------------------------------------------------------------------------
    // Sizes

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Dense(2000000000)                  | 3:7 | units is too large: 2,000,000,000 (the limit is 16,777,216)",
        "Dense(16777217)                    | 3:7 | units is too large: 16,777,217 (the limit is 16,777,216)",
        "Dense(9223372036854775807)         | 3:7 | units is too large: 9,223,372,036,854,775,807 (the limit is 16,777,216)",
        "Dense(99999999999999999999)        | 3:7 | integer 99999999999999999999 is too large",
        "Dense(1e999)                       | 3:7 | number 1e999 is too large",
    })
    void hugeNumbersAreRefusedWithTheLimit(String layer, String where, String message) {
        assertEquals(where + ": " + message, where(onlyError("input(4)\n\n" + layer + "\n")));
    }

    @Test
    void modelsThatWouldNeedGigabytesAreRefusedBeforeAnythingIsAllocated() {
        // one kernel beyond one Java array
        assertEquals("2:1: Dense kernel would hold 2,147,483,648 floats (16777216x128); one Java array holds at most "
                + "2,147,483,639", where(onlyError("input(16777216)\nDense(128)\n")));
        // each kernel fits; together 4,261,412,991 parameters, beyond 2^31
        assertEquals("2:1: the model has 4,261,412,991 parameters, more than cnnc's limit of 2,147,483,648 (8 GiB of floats)",
                where(onlyError("input(16777216)\nDense(127)\nDense(16777216, use_bias=False)\n")));
    }

    private static String where(Diagnostic d) {
        return d.span() + ": " + d.message();
    }

    @Test
    void tenThousandNestedParenthesesStopAtTheNestingLimit() {
        String text = "input(4)\nDense(" + "(".repeat(10_000) + "1" + ")".repeat(10_000) + ")\n";
        Diagnostic d = onlyError(text);
        assertEquals("brackets are nested too deeply (more than " + CnnSyntax.MAX_NESTING + " levels)", d.message());
        assertEquals(2, d.span().line());
        assertEquals(6 + CnnSyntax.MAX_NESTING, d.span().column(), "at the first bracket over the limit: Dense's is the first");
    }

    @Test
    void deepNestingOfListsCallsAndUnclosedBracketsToo() {
        assertTrue(onlyError("input(4)\nDense(" + "[".repeat(50_000) + "\n").message().startsWith("brackets are nested too"));
        assertTrue(onlyError("x = " + "f(".repeat(20_000) + ")".repeat(20_000) + "\n").message()
                .startsWith("brackets are nested too"));
        // exactly at the limit is fine for the syntax: the checker then says what is wrong with the value
        String atLimit = "input(4)\nDense(" + "(".repeat(CnnSyntax.MAX_NESTING - 1) + "1,"
                + ")".repeat(CnnSyntax.MAX_NESTING - 1) + ")\n";
        assertTrue(onlyError(atLimit).message().startsWith("units must be a positive integer, found a tuple"),
                onlyError(atLimit).message());
    }

    @Test
    void aFileOfSeveralMegabytesIsRefusedUnreadByItsSize() throws IOException {
        Path file = dir.resolve("Big.cnn");
        byte[] big = ("# " + "x".repeat(1021) + "\n").repeat(5 * 1024).getBytes(StandardCharsets.UTF_8); // 5 MiB
        Files.write(file, big);
        IOException e = assertThrows(IOException.class, () -> SourceFile.read(file, "Big.cnn"));
        assertEquals("Big.cnn: file is too large (5,242,880 bytes; the limit is 4,194,304)", e.getMessage());
    }

    @Test
    void textBeyondTheCharacterLimitIsRefusedBeforeLexing() {
        String text = "# comment\n".repeat(300_000); // 3,000,000 characters
        Diagnostic d = onlyError(text);
        assertEquals("1:1: file is too large: 3,000,000 characters (the limit is 1,048,576); a .cnn file describes "
                + "one model in a few lines", d.span() + ": " + d.message());
    }

    @Test
    void aMegabyteOfLayersIsCheckedQuicklyAndReportsTheLayerLimitOnce() {
        StringBuilder text = new StringBuilder("input(4)\n");
        while (text.length() < CnnSyntax.MAX_CHARS - 10) {
            text.append("Dense(4)\n"); // about 116,000 layers
        }
        long start = System.nanoTime();
        Diagnostic d = onlyError(text.toString());
        assertEquals((Checker.MAX_LAYERS + 2) + ":1: the model has more than " + Checker.MAX_LAYERS + " layers",
                d.span() + ": " + d.message());
        assertTrue(System.nanoTime() - start < QUICKLY.toNanos());
    }

    @Test
    void theLayerLimitIsExact() {
        String ok = "input(4)\n" + "Dense(2)\n".repeat(Checker.MAX_LAYERS);
        CnnCompiler.Checked checked = CnnCompiler.check(new SourceFile("Limit.cnn", ok));
        assertTrue(checked.ok(), checked.diagnostics().render());
        assertEquals(Checker.MAX_LAYERS, checked.model().layers().size());
        Diagnostic d = onlyError(ok + "Dense(2)\n");
        assertEquals((Checker.MAX_LAYERS + 2) + ":1: the model has more than " + Checker.MAX_LAYERS + " layers",
                d.span() + ": " + d.message());
    }

    @Test
    void aKernelOrPoolTheSizeOfTheInputIsFineOneLargerIsAnError() {
        assertOk("input(5, 7, 1)\nConv2D(2, (5, 7))\nFlatten()\nDense(2)\n");
        assertOk("input(5, 7, 1)\nMaxPooling2D((5, 7))\nFlatten()\n");
        assertOk("input(5, 5, 1)\nConv2D(2, 3, dilation_rate=2)\n"); // spans 5x5
        assertOk("input(5, 7, 1)\nConv2D(2, (9, 9), padding='same')\n"); // 'same' pads any window
        assertEquals("Conv2D output would be 0x1: kernel 6x7 on 5x7x1 with padding 'valid'",
                onlyError("input(5, 7, 1)\nConv2D(2, (6, 7))\n").message());
        assertEquals("MaxPooling2D output would be 1x0: pool 5x8 on 5x7x1 with padding 'valid'",
                onlyError("input(5, 7, 1)\nMaxPooling2D((5, 8))\n").message());
        assertEquals("Conv2D output would be 0x0: kernel 3x3 dilated by (2, 2) (spans 5x5) on 4x4x1 with padding 'valid'",
                onlyError("input(4, 4, 1)\nConv2D(2, 3, dilation_rate=2)\n").message());
    }

    @Test
    void longNamesAndStringsGiveShortMessages() {
        String name = "n".repeat(500_000);
        for (String text : List.of("input(4)\n" + name + "(2)\n", "input(4)\nDense(2, activation='" + name + "')\n",
                "input(4)\nDense(" + "1, ".repeat(200_000) + "1)\n", "input(4)\nDense((" + "1, ".repeat(200_000) + "1))\n")) {
            for (Diagnostic d : errors(text)) {
                assertTrue(d.message().length() <= Diagnostic.MAX_MESSAGE, () -> d.message().length() + " characters: "
                        + d.message().substring(0, 200));
            }
        }
    }

    @Test
    void controlCharactersInStringsDoNotReachTheMessagesRaw() {
        // \x1b[2J would clear the terminal the diagnostics are printed on; \n would forge a second diagnostic
        Diagnostic d = onlyError("input(4)\nDense(2, activation='re\\x1b[2J\\nfake.cnn:1:1: error: lu')\n");
        assertFalse(d.message().chars().anyMatch(c -> c < 0x20 || c == 0x7f), d.message());
        assertTrue(d.message().startsWith("unknown activation 're\\x1b[2J\\nfake.cnn:1:1: error: lu'"), d.message());
        assertEquals(3, d.render().split("\n").length, "headline, source line, caret line");
    }

    // ---------------------------------------------------------------------------------------------
    // Line ends and characters outside the BMP (the fuzzer's first finding: ANTLR counts lines by
    // '\n' only and columns in code points, diagnostics by the file's lines and in chars)

    @Test
    void diagnosticsAfterOldMacLineEndsPointAtTheirLine() {
        Diagnostic d = onlyError("input(4)\rDense(2)\rDense(2, activaton='relu')\r");
        assertEquals("3:10", d.span().toString(), d.headline());
        Diagnostic syntax = onlyError("input(4)\r\rDense(2,, 3)\r");
        assertEquals("3:9", syntax.span().toString(), syntax.headline());
        Diagnostic mixed = onlyError("input(4)\r\n\rDense(2)\n\r\nDense(x=)\r");
        assertEquals("5:9", mixed.span().toString(), mixed.headline());
    }

    @Test
    void columnsCountCharsAsTheCaretLineDoes() {
        // U+1F600 is two chars in Java, one code point for ANTLR
        String line = "Dense(2, name='a\uD83D\uDE00', activation='rleu')";
        Diagnostic d = onlyError("input(4)\n" + line + "\n");
        int column = line.indexOf("'rleu'") + 1;
        assertEquals("2:" + column, d.span().toString(), d.headline());
        assertTrue(d.render().endsWith("\n" + " ".repeat(column - 1) + "^~~~~~"), d.render());
        Diagnostic unexpected = onlyError("input(4)\nDense(2) \uD83D\uDE00\n");
        assertEquals("2:10: unexpected character U+1F600", where(unexpected));
        Diagnostic syntax = onlyError("input(4) # \uD83D\uDE00\nDense(2 \uD83D\uDE00\uD83D\uDE00 3)\n");
        assertEquals("2:9", syntax.span().toString(), syntax.headline());
        Diagnostic after = onlyError("input(4)\nDense(2, name='\uD83D\uDE00\uD83D\uDE00x') ; Dense(2, 3,, 4)\n");
        assertEquals("2:37", after.span().toString(), after.render());
    }

    @Test
    void stringsKeepTheirCharactersOutsideTheBmp() {
        var model = Pipeline.run(new SourceFile("Emoji.cnn", "input(4)\nDense(2, name='a\uD83D\uDE00b')\n"), true)
                .checked().model();
        assertNotNull(model);
        assertEquals("a\uD83D\uDE00b", model.layers().get(0).name());
    }
}
