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
}
