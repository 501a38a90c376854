package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pictures from the command line: the curves and history beside saved weights, filters and feature maps. */
class VisualizeCommandTest {
    static final String MODEL = """
            model Eights
            input(8, 8, 1)
            Conv2D(4, (3, 3), activation='relu')
            MaxPooling2D((2, 2))
            Flatten()
            Dense(3, activation='softmax')
            compile(optimizer=Adam(lr=0.01), loss='sparse_categorical_crossentropy', metrics=['accuracy'])
            fit(epochs=3, batch_size=16, validation_split=0.2)
            """;

    @TempDir
    static Path dir;
    static Path model;
    static Path data;
    static Path weights;
    static MainTest.Result trained;

    @BeforeAll
    static void train() throws IOException {
        model = Files.writeString(dir.resolve("Eights.cnn"), MODEL);
        data = ScriptTrainingTest.idxData(dir);
        weights = dir.resolve("run/eights.cnnw");
        trained = MainTest.run("train", model.toString(), "--data", data.toString(), "--threads", "1", "--save",
                weights.toString());
        assertEquals(0, trained.exit(), trained.err() + trained.out());
    }

    @Test
    void trainingWritesTheHistoryAndTheCurvesBesideTheWeights() throws IOException {
        Path csv = dir.resolve("run/eights.history.csv");
        Path png = dir.resolve("run/eights.curves.png");
        assertTrue(trained.out().contains("Saved the history to " + csv), trained.out());
        assertTrue(trained.out().contains("Drew the curves to " + png), trained.out());
        List<String> rows = Files.readAllLines(csv);
        assertEquals("epoch,loss,acc,val_loss,val_acc,time", rows.get(0));
        assertEquals(4, rows.size());
        assertTrue(rows.get(3).startsWith("3,"), rows.get(3));
        assertEquals(6, rows.get(3).split(",").length, rows.get(3)); // validation and time filled
        BufferedImage curves = ImageIO.read(png.toFile());
        assertEquals(1200, curves.getWidth());
    }

    @Test
    void visualizeDrawsTheFiltersAndTheFeatureMapsOfATestImage() throws IOException {
        Path out = dir.resolve("pictures");
        MainTest.Result r = MainTest.run("visualize", model.toString(), "--weights", weights.toString(), "--filters",
                "--image", "2", "--data", data.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.err() + r.out());
        for (String name : List.of("filters.png", "input.png", "feature-maps-conv2d_1.png",
                "feature-maps-max_pooling2d_1.png")) {
            assertTrue(Files.isRegularFile(out.resolve(name)), name + " in " + r.out());
            assertTrue(r.out().contains("Drew " + out.resolve(name)), r.out());
        }
        try (var s = Files.list(out)) {
            assertEquals(4, s.count(), "only the four pictures, no temporary files");
        }
        BufferedImage conv = ImageIO.read(out.resolve("feature-maps-conv2d_1.png").toFile());
        BufferedImage again;
        MainTest.Result second = MainTest.run("visualize", model.toString(), "--weights", weights.toString(), "--image",
                "2", "--data", data.toString(), "-o", dir.resolve("again").toString());
        assertEquals(0, second.exit(), second.err());
        assertEquals(-1, Files.mismatch(out.resolve("feature-maps-conv2d_1.png"),
                dir.resolve("again/feature-maps-conv2d_1.png")), "the same input drew different bytes");
        again = ImageIO.read(dir.resolve("again/feature-maps-conv2d_1.png").toFile());
        assertEquals(conv.getWidth(), again.getWidth());
    }

    @Test
    void badInputIsAClearErrorAndLeavesNothingBehind() throws IOException {
        MainTest.Result nothing = MainTest.run("visualize", model.toString(), "--weights", weights.toString(), "-o",
                dir.resolve("none").toString());
        assertEquals(2, nothing.exit());
        assertTrue(nothing.err().contains("say what to draw: --filters, --image N|IMAGE, or both"), nothing.err());
        Path file = Files.writeString(dir.resolve("a-file.txt"), "x");
        MainTest.Result notADir = MainTest.run("visualize", model.toString(), "--weights", weights.toString(),
                "--filters", "-o", file.toString());
        assertEquals(2, notADir.exit());
        assertTrue(notADir.err().contains("a-file.txt: is a file, not a folder"), notADir.err());
        MainTest.Result missing = MainTest.run("visualize", model.toString(), "--weights",
                dir.resolve("missing.cnnw").toString(), "--filters", "-o", dir.resolve("m").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("missing.cnnw"), missing.err());
        assertFalse(Files.exists(dir.resolve("m")));
        MainTest.Result index = MainTest.run("visualize", model.toString(), "--weights", weights.toString(), "--image",
                "999", "--data", data.toString(), "-o", dir.resolve("i").toString());
        assertEquals(2, index.exit());
        assertTrue(index.err().contains("--image 999: the test set has images 0 to 29"), index.err());
        assertFalse(Files.exists(dir.resolve("i")));
        assertFalse(missing.err().contains("Exception"), missing.err());
    }
}
