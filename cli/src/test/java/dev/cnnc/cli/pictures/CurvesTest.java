package dev.cnnc.cli.pictures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.train.History;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurvesTest {
    @TempDir
    Path dir;

    private static History history(boolean validation) {
        History h = new History();
        double[] loss = {0.9, 0.5, 0.3, 0.2};
        for (int e = 0; e < loss.length; e++) {
            h.add("loss", loss[e]);
            h.add("acc", 1 - loss[e] / 2);
            if (validation) {
                h.add("val_loss", loss[e] + 0.05);
                h.add("val_acc", 1 - loss[e] / 2 - 0.02);
            }
            if (e >= 1) {
                h.addSeconds(10 + e); // the first epoch ran before a resume
            }
        }
        return h;
    }

    @Test
    void theHistoryAsCsvHasOneRowPerEpoch() {
        assertEquals("""
                epoch,loss,acc,val_loss,val_acc,time
                1,0.900000,0.550000,0.950000,0.530000,
                2,0.500000,0.750000,0.550000,0.730000,11.000
                3,0.300000,0.850000,0.350000,0.830000,12.000
                4,0.200000,0.900000,0.250000,0.880000,13.000
                """, Curves.csv(history(true)));
        assertEquals("""
                epoch,loss,acc,val_loss,val_acc,time
                1,0.900000,0.550000,,,
                """, Curves.csv(history(false)).lines().limit(2).reduce("", (a, b) -> a + b + "\n"));
    }

    private static boolean has(BufferedImage image, Color c, int fromX, int toX) {
        for (int x = fromX; x < toX; x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (c.getRGB() & 0xFFFFFF)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void theCurvesShowTrainingAndValidationInBothChartsAndAreDeterministic() throws IOException {
        Path png = dir.resolve("sub/curves.png");
        Curves.write(history(true), "MnistCnn", null, png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(Curves.WIDTH, image.getWidth());
        assertEquals(Curves.HEIGHT, image.getHeight());
        int half = Curves.WIDTH / 2;
        assertTrue(has(image, Curves.TRAINING, 0, half), "no training loss curve");
        assertTrue(has(image, Curves.VALIDATION, 0, half), "no validation loss curve");
        assertTrue(has(image, Curves.TRAINING, half, Curves.WIDTH), "no training accuracy curve");
        assertTrue(has(image, Curves.VALIDATION, half, Curves.WIDTH), "no validation accuracy curve");
        byte[] again = Files2.png(Curves.image(history(true), "MnistCnn"));
        assertArrayEquals(Files.readAllBytes(png), again, "the same history drew different bytes");
        try (var s = Files.list(png.getParent())) {
            assertEquals(1, s.count(), "a temporary file was left behind");
        }
    }

    @Test
    void withoutValidationOnlyTheTrainingCurvesAreDrawn() {
        BufferedImage image = Curves.image(history(false), "Tiny");
        assertTrue(has(image, Curves.TRAINING, 0, Curves.WIDTH));
        assertFalse(has(image, Curves.VALIDATION, 0, Curves.WIDTH));
    }
}
