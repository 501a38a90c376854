package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    static Path example(String path) {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("examples"))) {
            dir = dir.getParent();
        }
        return dir.resolve(path);
    }

    /** Out of memory, in the command's thread or as the cause of a training thread's failure: a message, no trace. */
    @Test
    void outOfMemoryIsAMessageWithTheHeapSizeAndNotATrace() {
        for (Exception e : new Exception[] {new RuntimeException(new OutOfMemoryError("Java heap space")),
                new IllegalStateException("a worker failed", new RuntimeException(new OutOfMemoryError("Java heap space")))}) {
            StringWriter err = new StringWriter();
            int exit = Main.failure(e, new PrintWriter(err, true));
            assertEquals(Main.OUT_OF_MEMORY, exit);
            assertTrue(err.toString().startsWith("cnnc: out of memory: the Java heap holds at most "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MB"), err.toString());
            assertTrue(err.toString().contains("-Xmx"), err.toString());
            assertFalse(err.toString().contains("internal error"), err.toString());
            assertFalse(err.toString().contains("\tat "), err.toString());
        }
        StringWriter err = new StringWriter();
        assertEquals(Main.INTERNAL, Main.failure(new IllegalStateException("boom"), new PrintWriter(err, true)));
        assertTrue(err.toString().startsWith("cnnc: internal error: java.lang.IllegalStateException: boom"), err.toString());
    }

    @Test
    void summaryPrintsTheKerasTable() {
        Result r = run("summary", example("examples/mnist/MnistCnn.cnn").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("_".repeat(65) + "\nLayer (type)                 Output Shape              Param #   \n"));
        assertTrue(r.out().contains("max_pooling2d_2 (MaxPooling2 (None, 5, 5, 64)          0         \n"));
        assertTrue(r.out().contains("Total params: 93,322\n"));
        assertEquals("", r.err());
    }

    @Test
    void summaryOfTheKerasPasteShowsItsWarnings() {
        Result r = run("summary", "--flops", example("examples/keras-paste/keras_paste.cnn").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Mult-Adds"));
        assertTrue(r.err().contains("keras_paste.cnn:14:11: warning: fit's x=train_images binds nothing"), r.err());
        assertTrue(r.err().endsWith("2 warnings\n"), r.err());
    }

    @Test
    void checkReportsEveryErrorWithLocationAndCaretAndExits1() throws Exception {
        Path bad = dir.resolve("Bad.cnn");
        Files.writeString(bad, "input(28, 28, 1)\nConv2D(0, (3, 3))\nDense(10, activaton='relu')\n");
        Result r = run("check", bad.toString());
        assertEquals(1, r.exit());
        assertEquals(bad + ":2:8: error: filters must be a positive integer, found 0\n"
                + "Conv2D(0, (3, 3))\n"
                + "       ^\n"
                + bad + ":3:11: error: Dense has no argument 'activaton', did you mean 'activation'?\n"
                + "Dense(10, activaton='relu')\n"
                + "          ^~~~~~~~~\n"
                + "2 errors\n", r.err());
        assertFalse(r.err().contains("Exception"));
    }

    @Test
    void checkOfAGoodFileSaysOk() {
        Result r = run("check", example("examples/mnist/MnistCnn.cnn").toString());
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("ok: model MnistCnn, 8 layers, 28x28x1 -> 10, 93,322 parameters"), r.out());
    }

    @Test
    void missingFileIsAUsageErrorWithoutAStackTrace() {
        Result r = run("summary", dir.resolve("nope.cnn").toString());
        assertEquals(2, r.exit());
        assertEquals("cnnc: " + dir.resolve("nope.cnn") + ": no such file\n", r.err());
    }

    @Test
    void binaryFileIsRefusedClearly() throws Exception {
        Path bin = dir.resolve("weights.cnn");
        Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        Result r = run("check", bin.toString());
        assertEquals(2, r.exit());
        assertEquals("cnnc: " + bin + ": is not UTF-8 text\n", r.err());
    }

    @Test
    void unknownOptionAndMissingCommandAreUsageErrors() {
        Result r = run("summary", "--flop", "x.cnn");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Unknown option: '--flop'"), r.err());
        assertEquals(2, run().exit());
        assertEquals(2, run("compile").exit());
    }

    @Test
    void helpListsEveryCommandAndHelpCommandExplainsOne() {
        Result r = run("--help");
        assertEquals(0, r.exit());
        for (String command : new String[] {"check", "summary", "help"}) {
            assertTrue(r.out().contains("  " + command + " "), r.out());
        }
        Result h = run("help", "summary");
        assertEquals(0, h.exit());
        assertTrue(h.out().contains("--flops"), h.out());
    }
}
