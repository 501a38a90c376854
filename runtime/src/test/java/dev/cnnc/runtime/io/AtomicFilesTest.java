package dev.cnnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one "write beside, then rename": bytes, text, and moving a finished file. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    private long filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void writeReplacesTheFileAndLeavesNoTemporaryBehind() throws IOException {
        Path f = dir.resolve("sub/out.bin");
        AtomicFiles.write(f, new byte[] {1, 2, 3});
        AtomicFiles.write(f, new byte[] {4});
        assertArrayEquals(new byte[] {4}, Files.readAllBytes(f));
        AtomicFiles.writeString(f, "grüße\n");
        assertEquals("grüße\n", Files.readString(f));
        assertEquals(1, filesIn(f.getParent()));
    }

    @Test
    void moveInstallsAFinishedFileOverTheTarget() throws IOException {
        Path staged = Files.writeString(dir.resolve("staged"), "new");
        Path target = dir.resolve("cache/target");
        Files.createDirectories(target.getParent());
        Files.writeString(target, "old");
        AtomicFiles.move(staged, target);
        assertEquals("new", Files.readString(target));
        assertFalse(Files.exists(staged));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.move(dir.resolve("missing"), target));
        assertTrue(e.getMessage().startsWith("cannot move " + dir.resolve("missing") + " to " + target + ": "),
                e.getMessage());
        assertEquals("new", Files.readString(target), "the previous target is intact");
    }
}
