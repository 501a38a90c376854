package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnnc train/evaluate/predict --data SOURCE} on the same small images held as IDX files, an .npz, an image
 * folder and a CSV: the same model and seed reach the same accuracy from each, and bad input is a usage error
 * naming the file, never a stack trace.
 */
class DataSourcesTest {
    static final int SIDE = 8;
    static final int CLASSES = 3;
    static final String[] NAMES = {"circle", "cross", "line"};
    static final String GREY_MODEL = """
            model Tiny
            input(8, 8, 1)
            Flatten()
            Dense(3, activation='softmax')
            compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
            fit(epochs=20, batch_size=8)
            """;

    @TempDir
    static Path dir;
    static Path model;
    /** Images sorted by class, as an image folder lists them: train then test. */
    static byte[][] pixels = new byte[2][];
    static byte[][] labels = new byte[2][];

    @BeforeAll
    static void writeTheSameImagesInEveryFormat() throws IOException {
        model = Files.writeString(dir.resolve("Tiny.cnn"), GREY_MODEL);
        Random r = new Random(3);
        int[] counts = {60, 30};
        String[] parts = {"train", "test"};
        for (int s = 0; s < 2; s++) {
            int n = counts[s];
            pixels[s] = new byte[n * SIDE * SIDE];
            labels[s] = new byte[n];
            for (int i = 0; i < n; i++) {
                int c = i * CLASSES / n; // sorted by class
                labels[s][i] = (byte) c;
                for (int p = 0; p < SIDE * SIDE; p++) {
                    boolean on = c == 0 ? p / SIDE == 3 : c == 1 ? p % SIDE == 4 : p / SIDE == p % SIDE;
                    pixels[s][i * 64 + p] = (byte) (on ? 150 + r.nextInt(100) : r.nextInt(60));
                }
                BufferedImage img = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
                img.getRaster().setDataElements(0, 0, SIDE, SIDE, java.util.Arrays.copyOfRange(pixels[s], i * 64, i * 64 + 64));
                Path f = dir.resolve("folder/" + parts[s] + "/" + NAMES[c] + String.format("/%03d.png", i));
                Files.createDirectories(f.getParent());
                ImageIO.write(img, "png", f.toFile());
            }
            String prefix = s == 0 ? "train" : "t10k";
            Files.createDirectories(dir.resolve("idx"));
            Files.write(dir.resolve("idx/" + prefix + "-images-idx3-ubyte"),
                    KillDuringCheckpointTest.idx(0x803, new int[] {n, SIDE, SIDE}, pixels[s]));
            Files.write(dir.resolve("idx/" + prefix + "-labels-idx1-ubyte"),
                    KillDuringCheckpointTest.idx(0x801, new int[] {n}, labels[s]));
            StringBuilder csv = new StringBuilder("label");
            for (int p = 0; p < 64; p++) {
                csv.append(",pixel").append(p);
            }
            csv.append('\n');
            for (int i = 0; i < n; i++) {
                csv.append(labels[s][i]);
                for (int p = 0; p < 64; p++) {
                    csv.append(',').append(pixels[s][i * 64 + p] & 0xFF);
                }
                csv.append('\n');
            }
            Files.writeString(dir.resolve(parts[s] + ".csv"), csv);
        }
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(dir.resolve("data.npz")))) {
            entry(zip, "x_train", npy("|u1", new int[] {60, SIDE, SIDE}, pixels[0]));
            entry(zip, "y_train", npy("|u1", new int[] {60}, labels[0]));
            entry(zip, "x_test", npy("|u1", new int[] {30, SIDE, SIDE}, pixels[1]));
            entry(zip, "y_test", npy("|u1", new int[] {30}, labels[1]));
        }
    }

    /** A version 1.0 .npy file (the reader is checked against NumPy's own files in the runtime's NumpyTest). */
    static byte[] npy(String dtype, int[] shape, byte[] data) {
        StringBuilder s = new StringBuilder();
        for (int d : shape) {
            s.append(d).append(", ");
        }
        String header = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (" + s.toString().strip()
                + "), }";
        int total = 10 + header.length() + 1;
        header += " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    static void entry(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name + ".npy"));
        zip.write(data);
        zip.closeEntry();
    }

    static String accuracy(MainTest.Result r) {
        assertEquals(0, r.exit(), r.err() + r.out());
        for (String line : r.out().split("\n")) {
            if (line.startsWith("test_acc: ")) {
                return line.substring(10);
            }
        }
        throw new AssertionError("no test_acc line in\n" + r.out());
    }

    @Test
    void theSameImagesTrainToTheSameAccuracyFromEverySource() {
        String[] common = {"--threads", "1", "--seed", "5", "--learning-rate", "0.01"};
        String fromIdx = accuracy(train(dir.resolve("idx").toString(), common));
        String fromNpz = accuracy(train(dir.resolve("data.npz").toString(), common));
        String fromFolder = accuracy(train(dir.resolve("folder").toString(), common));
        String fromCsv = accuracy(train(dir.resolve("train.csv").toString(), "--test-data",
                dir.resolve("test.csv").toString(), "--threads", "1", "--seed", "5", "--learning-rate", "0.01"));
        assertEquals(fromIdx, fromNpz);
        assertEquals(fromIdx, fromFolder);
        assertEquals(fromIdx, fromCsv);
        assertTrue(Double.parseDouble(fromIdx) > 0.9, fromIdx);
    }

    private static MainTest.Result train(String data, String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "train";
        args[1] = model.toString();
        args[2] = "--data";
        args[3] = data;
        System.arraycopy(more, 0, args, 4, more.length);
        return MainTest.run(args);
    }

    @Test
    void classNamesAreSavedAndPredictPrintsThemPerFileOrAsCsv() throws IOException {
        Path weights = dir.resolve("folder.cnnw");
        accuracy(train(dir.resolve("folder").toString(), "--threads", "1", "--learning-rate", "0.01", "--save",
                weights.toString()));
        MainTest.Result one = MainTest.run("predict", model.toString(), "--weights", weights.toString(), "--image",
                dir.resolve("folder/test/cross/010.png").toString());
        assertEquals(0, one.exit(), one.err());
        assertTrue(one.out().contains("1 cross: ") && one.out().contains("prediction: cross"), one.out());
        MainTest.Result all = MainTest.run("predict", model.toString(), "--weights", weights.toString(), "--image",
                dir.resolve("folder/test").toString(), "--top", "2");
        assertEquals(0, all.exit(), all.err());
        assertTrue(all.out().contains("circle/000.png: circle (") && all.out().contains("top-2: circle "), all.out());
        assertEquals(30, all.out().strip().split("\n").length, all.out());
        Path csv = dir.resolve("predictions.csv");
        MainTest.Result written = MainTest.run("predict", model.toString(), "--weights", weights.toString(), "--image",
                dir.resolve("folder/test").toString(), "--csv", csv.toString());
        assertEquals(0, written.exit(), written.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("file,class,probability,top1,p1,top2,p2,top3,p3", lines.get(0));
        assertEquals(31, lines.size());
        assertTrue(lines.get(30).contains("line/029.png,line,"), lines.get(30));
        MainTest.Result evaluate = MainTest.run("evaluate", model.toString(), "--weights", weights.toString(),
                "--data", dir.resolve("folder").toString());
        assertTrue(Double.parseDouble(accuracy(evaluate)) > 0.9, evaluate.out());
    }

    @Test
    void anRgbModelTrainsOnAColourFolderAndABinaryModelOnTwoClasses() throws IOException {
        Path colour = dir.resolve("colour");
        Random r = new Random(1);
        int[] rgb = {0xD02020, 0x20D020, 0x2020D0};
        for (int i = 0; i < 48; i++) {
            int c = i % 3;
            BufferedImage img = new BufferedImage(12, 10, BufferedImage.TYPE_INT_RGB); // resized to 8x8
            for (int p = 0; p < 120; p++) {
                img.setRGB(p % 12, p / 12, rgb[c] ^ (r.nextInt(40) * 0x010101));
            }
            Path f = colour.resolve(NAMES[c] + "/" + i + ".jpg");
            Files.createDirectories(f.getParent());
            ImageIO.write(img, "jpg", f.toFile());
        }
        Path rgbModel = Files.writeString(dir.resolve("Rgb.cnn"), GREY_MODEL.replace("input(8, 8, 1)", "input(8, 8, 3)"));
        MainTest.Result r1 = MainTest.run("train", rgbModel.toString(), "--data", colour.toString(), "--threads", "1",
                "--test-data", colour.toString(), "--epochs", "8");
        assertTrue(Double.parseDouble(accuracy(r1)) > 0.9, r1.out());
        assertTrue(r1.err().contains("resized to 8x8 (bilinear)"), r1.err());
        Path binary = Files.writeString(dir.resolve("Binary.cnn"), """
                model Binary
                input(8, 8, 3)
                Flatten()
                Dense(1, activation='sigmoid')
                compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])
                fit(epochs=8, batch_size=8)
                """);
        Path two = dir.resolve("two");
        for (String c : new String[] {"circle", "cross"}) {
            copyFolder(colour.resolve(c), two.resolve(c));
        }
        MainTest.Result r2 = MainTest.run("train", binary.toString(), "--data", two.toString(), "--threads", "1",
                "--test-data", two.toString());
        assertTrue(Double.parseDouble(accuracy(r2)) > 0.9, r2.out());
    }

    static byte[] floats32(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    @Test
    void meanSquaredErrorTrainsOnFloatTargetsFromAnNpz() throws IOException {
        Random r = new Random(2);
        int n = 64;
        float[] x = new float[n * 4];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 4; k++) {
                x[i * 4 + k] = r.nextFloat();
                y[i] += (k + 1) * x[i * 4 + k]; // a linear function a Dense(1) can learn
            }
        }
        Path npz = dir.resolve("regression.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(npz))) {
            entry(zip, "x_train", npy("<f4", new int[] {n, 2, 2}, floats32(x)));
            entry(zip, "y_train", npy("<f4", new int[] {n}, floats32(y)));
            entry(zip, "x_test", npy("<f4", new int[] {n, 2, 2}, floats32(x)));
            entry(zip, "y_test", npy("<f4", new int[] {n}, floats32(y)));
        }
        Path m = Files.writeString(dir.resolve("Regression.cnn"), """
                model Regression
                input(2, 2, 1)
                Flatten()
                Dense(1)
                compile(optimizer='rmsprop', loss='mean_squared_error')
                fit(epochs=1, batch_size=8)
                """);
        double[] loss = new double[2];
        int[] epochs = {1, 40};
        for (int e = 0; e < 2; e++) {
            MainTest.Result res = MainTest.run("train", m.toString(), "--data", npz.toString(), "--threads", "1",
                    "--epochs", "" + epochs[e], "--learning-rate", "0.01");
            assertEquals(0, res.exit(), res.err());
            loss[e] = Double.parseDouble(res.out().replaceAll("(?s).*test_loss: ([0-9.]+).*", "$1"));
        }
        assertTrue(loss[1] < 0.05 * loss[0], "test loss after 1 and 40 epochs: " + loss[0] + ", " + loss[1]);
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        try (var s = Files.walk(from)) {
            for (Path f : s.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    static void usageError(MainTest.Result r, String... fragments) {
        assertEquals(2, r.exit(), r.err());
        assertFalse(r.err().contains("internal error") || r.err().contains("\tat "), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "expected '" + f + "' in:\n" + r.err());
        }
    }

    @Test
    void badInputIsAUsageErrorNamingTheFile() throws IOException {
        Path cut = dir.resolve("cut.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(cut))) {
            byte[] x = npy("|u1", new int[] {60, SIDE, SIDE}, pixels[0]);
            entry(zip, "x_train", java.util.Arrays.copyOf(x, x.length - 7));
            entry(zip, "y_train", npy("|u1", new int[] {60}, labels[0]));
        }
        usageError(train(cut.toString()), "cut.npz/x_train.npy: truncated");
        Path keys = dir.resolve("keys.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(keys))) {
            entry(zip, "images", npy("|u1", new int[] {60, SIDE, SIDE}, pixels[0]));
        }
        usageError(train(keys.toString()), "keys.npz: no array 'x_train'; the archive holds images");
        Path one = dir.resolve("one");
        copyFolder(dir.resolve("folder/train/line"), one.resolve("line"));
        usageError(train(one.toString()), "one class folder (line)");
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, Files.readString(dir.resolve("test.csv")).replaceFirst("\n(\\d+),\\d+,", "\n$1,"));
        usageError(train(csv.toString()), "bad.csv:2: has 64 columns, but the first line has 65");
        Path mnistModel = Files.writeString(dir.resolve("M.cnn"), GREY_MODEL.replace("input(8, 8, 1)", "input(28, 28, 1)"));
        usageError(MainTest.run("train", mnistModel.toString(), "--data", dir.resolve("data.npz").toString()),
                "the images in " + dir.resolve("data.npz") + "/x_train.npy are 8x8 grey, but the model's input is"
                        + " (28, 28, 1)");
        Path empty = dir.resolve("empty");
        copyFolder(dir.resolve("folder/train"), empty);
        Files.write(empty.resolve("cross/zero.png"), new byte[0]);
        usageError(train(empty.toString()), "zero.png: is empty (0 bytes)", "--skip-bad-images");
        MainTest.Result skipped = train(empty.toString(), "--skip-bad-images", "--threads", "1", "--epochs", "1");
        assertEquals(0, skipped.exit(), skipped.err());
        assertTrue(skipped.err().contains("warning: skipping ") && skipped.err().contains("zero.png"), skipped.err());
        usageError(train(dir.resolve("nothing.npz").toString()), "nothing.npz: no such file or folder");
        usageError(train(dir.resolve("idx").toString(), "--validation-split", "0.2", "--validation-data",
                dir.resolve("idx").toString()), "not both");
        ByteArrayOutputStream unused = new ByteArrayOutputStream();
        assertEquals(0, unused.size());
    }
}
