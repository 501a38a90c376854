package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The Vector API code by default, the portable code on request or, with a note, as the fallback. */
class VectorOptionTest {
    private final StringWriter err = new StringWriter();
    private final PrintWriter errWriter = new PrintWriter(err, true);

    private static VectorOption option(boolean portable, boolean vector) {
        VectorOption o = new VectorOption();
        o.portable = portable;
        o.vector = vector;
        return o;
    }

    @Test
    void theVectorCodeIsTheDefaultWhereTheModuleIsThere() {
        assertTrue(option(false, false).use(errWriter, true));
        assertEquals("", err.toString());
    }

    @Test
    void withoutTheModuleItFallsBackToThePortableCodeWithOneNote() {
        assertFalse(option(false, false).use(errWriter, false));
        assertEquals(VectorOption.NOTE + System.lineSeparator(), err.toString());
        assertTrue(VectorOption.NOTE.contains("--add-modules jdk.incubator.vector"));
    }

    @Test
    void portableForcesThePortableCodeSilently() {
        assertFalse(option(true, false).use(errWriter, true));
        assertFalse(option(true, false).use(errWriter, false));
        assertEquals("", err.toString());
    }

    @Test
    void vectorWithoutTheModuleIsAnErrorAndBothFlagsAreAnError() {
        Main.UserException e = assertThrows(Main.UserException.class, () -> option(false, true).use(errWriter, false));
        assertTrue(e.getMessage().contains("--add-modules jdk.incubator.vector"), e.getMessage());
        assertThrows(Main.UserException.class, () -> option(true, true).use(errWriter, true));
    }
}
