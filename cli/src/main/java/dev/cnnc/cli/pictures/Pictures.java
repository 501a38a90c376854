package dev.cnnc.cli.pictures;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writing pictures into a folder: each PNG whole or not at all (nothing half-written is left behind). */
public final class Pictures {
    private Pictures() {}

    public static void writeAll(Path dir, Map<String, BufferedImage> pictures) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, BufferedImage> e : pictures.entrySet()) {
            Files2.writePng(dir.resolve(e.getKey()), e.getValue());
        }
    }

    /** A text file (CSV, HTML), whole or not at all. */
    public static void writeText(Path file, String text) throws IOException {
        Files2.writeAtomically(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A picture as PNG bytes. */
    public static byte[] png(BufferedImage image) throws IOException {
        return Files2.png(image);
    }
}
