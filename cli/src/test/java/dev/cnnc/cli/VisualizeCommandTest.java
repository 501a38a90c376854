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
        MainTest.Result layer = MainTest.run("visualize", model.toString(), "--weights", weights.toString(), "--image",
                "0", "--layer", "conv2d_2", "--data", data.toString(), "-o", dir.resolve("l").toString());
        assertEquals(2, layer.exit());
        assertTrue(layer.err().contains("--layer conv2d_2: Eights has no layer 'conv2d_2', did you mean 'conv2d_1'?"),
                layer.err());
        MainTest.Result flat = MainTest.run("visualize", model.toString(), "--weights", weights.toString(), "--image",
                "0", "--layer", "dense_1", "--data", data.toString(), "-o", dir.resolve("l").toString());
        assertEquals(2, flat.exit());
        assertTrue(flat.err().contains("its output (3) is not (rows, cols, channels)"), flat.err());
        Path readOnly = Files.createDirectories(dir.resolve("read-only"));
        readOnly.toFile().setWritable(false);
        MainTest.Result unwritable = MainTest.run("visualize", model.toString(), "--weights", weights.toString(),
                "--filters", "-o", readOnly.resolve("sub").toString());
        readOnly.toFile().setWritable(true);
        if (!"root".equals(System.getProperty("user.name"))) { // root writes anywhere
            assertEquals(2, unwritable.exit(), unwritable.err());
            assertTrue(unwritable.err().contains("cannot be written"), unwritable.err());
        }
    }

    @Test
    void oneLayersFeatureMapsAndGradCam() throws IOException {
        Path out = dir.resolve("one-layer");
        MainTest.Result r = MainTest.run("visualize", model.toString(), "--weights", weights.toString(), "--image", "1",
                "--layer", "max_pooling2d_1", "--cam", "--class", "2", "--data", data.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.err() + r.out());
        try (var s = Files.list(out)) {
            assertEquals(List.of("cam.png", "feature-maps-max_pooling2d_1.png", "input.png"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        MainTest.Result badClass = MainTest.run("visualize", model.toString(), "--weights", weights.toString(), "--image",
                "1", "--class", "7", "--data", data.toString(), "-o", dir.resolve("c").toString());
        assertEquals(2, badClass.exit());
        assertTrue(badClass.err().contains("--class 7: Eights has classes 0 to 2"), badClass.err());
    }

    @Test
    void evaluateReportWritesTheConfusionMatrixAndTheMistakes() throws IOException {
        Path out = dir.resolve("evaluation");
        MainTest.Result r = MainTest.run("evaluate", model.toString(), "--weights", weights.toString(), "--data",
                data.toString(), "--report", out.toString());
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("Confusion matrix (rows: true class, columns: predicted class)"), r.out());
        List<String> csv = Files.readAllLines(out.resolve("confusion.csv"));
        assertEquals("true\\predicted,0,1,2", csv.get(0));
        long total = 0;
        for (String row : csv.subList(1, csv.size())) {
            for (String cell : row.substring(row.indexOf(',') + 1).split(",")) {
                total += Long.parseLong(cell);
            }
        }
        assertEquals(30, total, "every test image counted once");
        assertTrue(Files.isRegularFile(out.resolve("confusion.png")));
    }

    /** Chromium's path, or null: Debian's package, which .ci/run installs. */
    static String chromium() {
        for (String dirName : System.getenv("PATH").split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                if (Files.isExecutable(Path.of(dirName, name))) {
                    return Path.of(dirName, name).toString();
                }
            }
        }
        return null;
    }

    private static boolean near(int rgb, java.awt.Color c, int tolerance) {
        return Math.abs(((rgb >> 16) & 0xFF) - c.getRed()) <= tolerance && Math.abs(((rgb >> 8) & 0xFF) - c.getGreen())
                <= tolerance && Math.abs((rgb & 0xFF) - c.getBlue()) <= tolerance;
    }

    @Test
    void theReportIsOneSelfContainedPageThatRendersInHeadlessChromium() throws Exception {
        Path page = dir.resolve("report/eights.html");
        MainTest.Result r = MainTest.run("report", model.toString(), "--weights", weights.toString(), "--data",
                data.toString(), "--images", "2", "-o", page.toString());
        assertEquals(0, r.exit(), r.err() + r.out());
        String html = Files.readString(page);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertFalse(html.contains("<script"), "no JavaScript");
        assertFalse(html.contains("http:") || html.contains("https:") || html.contains("src=\"/"), "nothing fetched");
        long images = html.split("src=\"data:image/png;base64,", -1).length - 1;
        // curves, confusion, mistakes (if any), filters, then per test image: input, Grad-CAM, conv and pool maps
        int mistakes = html.contains("alt=\"The most confidently wrong test images\"") ? 1 : 0;
        assertEquals(3 + mistakes + 2 * 4, images, "pictures inline");
        assertTrue(html.contains("Total params: 151"), "the summary");
        MainTest.Result again = MainTest.run("report", model.toString(), "--weights", weights.toString(), "--data",
                data.toString(), "--images", "2", "-o", dir.resolve("report/again.html").toString());
        assertEquals(0, again.exit());
        assertEquals(html, Files.readString(dir.resolve("report/again.html")), "the same inputs wrote another page");

        String browser = chromium();
        if (browser == null) {
            assertTrue(System.getenv("CI") == null, "CI must install chromium (.ci/run does)");
            org.junit.jupiter.api.Assumptions.abort("chromium is not installed: sudo apt-get install chromium");
        }
        Path shot = dir.resolve("report/shot.png");
        Process p = new ProcessBuilder(browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--window-size=1280,2400", "--screenshot=" + shot, page.toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("report/chromium.log").toFile()).start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "chromium did not finish");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("report/chromium.log")));
        BufferedImage image = ImageIO.read(shot.toFile());
        assertEquals(1280, image.getWidth());
        boolean training = false;
        boolean validation = false;
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 1) {
            for (int x = 0; x < image.getWidth(); x += 1) {
                int rgb = image.getRGB(x, y);
                training |= near(rgb, dev.cnnc.cli.pictures.Curves.TRAINING, 10);
                validation |= near(rgb, dev.cnnc.cli.pictures.Curves.VALIDATION, 10);
                if (colours.size() < 1000) {
                    colours.add(rgb & 0xFFFFFF);
                }
            }
        }
        assertTrue(training && validation, "the curves are drawn in the page");
        assertTrue(colours.size() > 100, "the page looks blank: " + colours.size() + " colours");
    }
}
