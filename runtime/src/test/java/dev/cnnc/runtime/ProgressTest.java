package dev.cnnc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** Keras 2.2.4's Progbar format. */
class ProgressTest {

    @Test
    void barsAsKerasDrawsThem() {
        Progress p = new Progress(new PrintStream(new ByteArrayOutputStream()), false, 60000);
        assertEquals("    0/60000 [..............................]", p.bar(0));
        assertEquals("  640/60000 [..............................]", p.bar(640));
        assertEquals(" 4096/60000 [=>............................]", p.bar(4096));
        assertEquals("30000/60000 [==============>...............]", p.bar(30000));
        assertEquals("60000/60000 [==============================]", p.bar(60000));
    }

    @Test
    void metricsUseFourDecimalsOrScientificBelowOneThousandth() {
        assertEquals(" - loss: 0.1833", Progress.metric("loss", 0.18329));
        assertEquals(" - loss: 5.0000e-04", Progress.metric("loss", 0.0005));
    }

    @Test
    void timePerStepInTheRightUnit() {
        assertEquals(" 169us/step", Progress.perStep(169e-6));
        assertEquals(" 12ms/step", Progress.perStep(0.012));
        assertEquals(" 2s/step", Progress.perStep(2.0));
    }

    @Test
    void outsideATerminalOnlyTheFinalLineIsPrinted() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true), false, 100);
        p.update(50, " - loss: 1.0000");
        p.done(" - loss: 0.5000 - acc: 0.9000");
        String out = bytes.toString();
        assertTrue(out.matches("100/100 \\[=+\\] - \\d+s \\d+(us|ms|s)/step - loss: 0.5000 - acc: 0.9000\n"), out);
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true), true, 100);
        p.update(50, " - loss: 1.0000");
        p.done(" - loss: 0.5000");
        String out = bytes.toString();
        assertTrue(out.startsWith("\r 50/100 [==============>...............] - ETA: 0s - loss: 1.0000"), out);
        assertTrue(out.contains("\r100/100 [==============================] - "), out);
        assertTrue(out.endsWith("\n"), out);
    }
}
