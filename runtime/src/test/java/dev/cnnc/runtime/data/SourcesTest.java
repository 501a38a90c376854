package dev.cnnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.optim.LossKind;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image folders, CSV, IDX of any size, and how a source is recognised: behaviour and bad input. */
class SourcesTest {
    private static final Needs GREY_4X4_3 = new Needs(new int[] {4, 4, 1}, 3, LossKind.CATEGORICAL_CROSSENTROPY);
    private static final Needs RGB_4X4_2 = new Needs(new int[] {4, 4, 3}, 2, LossKind.SPARSE_CATEGORICAL_CROSSENTROPY);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private DataSource.Options options(Needs needs, boolean skip) {
        return new DataSource.Options(needs, skip, Csv.Scale.AUTO, new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    static void image(Path file, int w, int h, int rgb, String format) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        assertTrue(ImageIO.write(img, format, file.toFile()), format);
    }

    private Path folder() throws IOException {
        Path root = dir.resolve("photos");
        image(root.resolve("b_red/1.png"), 4, 4, 0xFF0000, "png");
        image(root.resolve("b_red/2.bmp"), 8, 8, 0xFF0000, "bmp");
        image(root.resolve("a_blue/1.gif"), 4, 4, 0x0000FF, "gif");
        image(root.resolve("a_blue/2.png"), 2, 6, 0x0000FF, "png");
        Files.writeString(root.resolve("a_blue/notes.txt"), "not an image, ignored");
        return root;
    }

    @Test
    void anImageFolderHasSortedClassNamesAndRgbPixels() throws IOException {
        Path root = folder();
        assertEquals(DataSource.Kind.IMAGES, DataSource.parse(root.toString()).kind());
        DataSource.Loaded l = DataSource.parse(root.toString()).load(options(RGB_4X4_2, false));
        assertEquals(List.of("a_blue", "b_red"), l.classNames());
        assertEquals(4, l.train().count());
        assertEquals(0, l.train().label(0));
        assertEquals(1, l.train().label(3));
        float[] px = new float[48];
        l.train().copyInputs(new int[] {0}, 0, 1, px);
        assertArrayEquals(new float[] {0, 0, 1}, new float[] {px[0], px[1], px[2]});
        l.train().copyInputs(new int[] {3}, 0, 1, px); // the 8x8 BMP, resized
        assertArrayEquals(new float[] {1, 0, 0}, new float[] {px[45], px[46], px[47]});
        String note = log.toString(StandardCharsets.UTF_8);
        assertTrue(note.contains("2 of the 4 images") && note.contains("resized to 4x4 (bilinear)")
                && note.contains("8x8") && note.contains("2x6"), note);
    }

    @Test
    void greyModelsGetBt601Luma() throws IOException {
        Path root = dir.resolve("g");
        image(root.resolve("a/1.png"), 4, 4, 0x336699, "png");
        image(root.resolve("b/1.jpg"), 4, 4, 0x808080, "jpg");
        image(root.resolve("c/1.png"), 4, 4, 0xFFFFFF, "png");
        Dataset d = DataSource.parse(root.toString()).load(options(GREY_4X4_3, false)).train();
        float[] px = new float[16];
        d.copyInputs(new int[] {0}, 0, 1, px);
        assertEquals(Math.round(0.299f * 0x33 + 0.587f * 0x66 + 0.114f * 0x99) / 255f, px[5], 0f);
        d.copyInputs(new int[] {2}, 0, 1, px);
        assertEquals(1f, px[0], 0f);
    }

    @Test
    void bilinearResizeOnPixelCentres() {
        byte[] src = {0, (byte) 100};
        byte[] out = ImageFiles.resize(src, 1, 2, 1, 1, 4);
        // centres at -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
        assertArrayEquals(new byte[] {0, 25, 75, 100}, out);
    }

    @Test
    void trainAndTestSubfoldersAreASplit() throws IOException {
        Path root = dir.resolve("split");
        for (String part : new String[] {"train", "test"}) {
            image(root.resolve(part + "/x/1.png"), 4, 4, 0xFF0000, "png");
            image(root.resolve(part + "/y/1.png"), 4, 4, 0x00FF00, "png");
        }
        DataSource.Loaded l = DataSource.parse(root.toString()).load(options(RGB_4X4_2, false));
        assertEquals(2, l.train().count());
        assertNotNull(l.test());
        assertEquals(List.of("x", "y"), l.classNames());
    }

    @Test
    void aCorruptOrEmptyImageStopsWithItsNameOrIsSkippedWithAWarning() throws IOException {
        Path root = folder();
        Path empty = Files.write(root.resolve("b_red/3.png"), new byte[0]);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DataSource.parse(root.toString()).load(options(RGB_4X4_2, false)));
        assertTrue(e.getMessage().startsWith(empty + ": is empty (0 bytes)") && e.getMessage().contains("--skip-bad-images"),
                e.getMessage());
        Files.writeString(empty, "garbage that is no PNG");
        e = assertThrows(DataFormatException.class,
                () -> DataSource.parse(root.toString()).load(options(RGB_4X4_2, false)));
        assertTrue(e.getMessage().startsWith(empty + ": is "), e.getMessage());
        DataSource.Loaded l = DataSource.parse(root.toString()).load(options(RGB_4X4_2, true));
        assertEquals(4, l.train().count());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("warning: skipping " + empty), log.toString());
    }

    @Test
    void oneClassNoImagesAndTooManyClassesAreRefused() throws IOException {
        Path one = dir.resolve("one");
        image(one.resolve("cats/1.png"), 4, 4, 0, "png");
        assertTrue(assertThrows(DataFormatException.class, () -> DataSource.parse(one.toString())
                .load(options(RGB_4X4_2, false))).getMessage().contains("one class folder (cats)"));
        Path none = dir.resolve("none");
        Files.createDirectories(none.resolve("a"));
        Files.createDirectories(none.resolve("b"));
        assertTrue(assertThrows(DataFormatException.class, () -> DataSource.parse(none.toString())
                .load(options(RGB_4X4_2, false))).getMessage().contains("holds no images"));
        DataMismatchException m = assertThrows(DataMismatchException.class, () -> DataSource.parse(folder().toString())
                .load(options(GREY_4X4_3, false)));
        assertTrue(m.getMessage().contains("have 2 classes (folders a_blue, b_red), but the model ends with Dense(3)"),
                m.getMessage());
    }

    @Test
    void csvWithHeaderAndBytesIsScaled() throws IOException {
        StringBuilder b = new StringBuilder("label");
        for (int i = 0; i < 16; i++) {
            b.append(",pixel").append(i);
        }
        b.append('\n');
        for (int r = 0; r < 3; r++) {
            b.append(r);
            for (int i = 0; i < 16; i++) {
                b.append(',').append(r * 16 + i);
            }
            b.append('\n');
        }
        Path csv = Files.writeString(dir.resolve("train.csv"), b);
        Dataset d = DataSource.parse(csv.toString()).load(options(GREY_4X4_3, false)).train();
        assertEquals(3, d.count());
        assertEquals(2, d.label(2));
        float[] px = new float[16];
        d.copyInputs(new int[] {1}, 0, 1, px);
        assertEquals(17 / 255f, px[1], 0f);
    }

    @Test
    void csvFloatsAreTakenAsTheyAreAndTheScaleCanBeForced() throws IOException {
        Path csv = Files.writeString(dir.resolve("f.csv"), "1,0.5,2,3,4\n0,1,1,1,1\n");
        Needs small = new Needs(new int[] {4}, 2, LossKind.CATEGORICAL_CROSSENTROPY);
        float[] x = new float[4];
        DataSource.parse(csv.toString()).load(options(small, false)).train().copyInputs(new int[] {0}, 0, 1, x);
        assertArrayEquals(new float[] {0.5f, 2, 3, 4}, x);
        Path ints = Files.writeString(dir.resolve("i.csv"), "1,5,2,3,4\n0,1,1,1,1\n");
        DataSource.Options floats = new DataSource.Options(small, false, Csv.Scale.FLOATS, System.err);
        DataSource.parse(ints.toString()).load(floats).train().copyInputs(new int[] {0}, 0, 1, x);
        assertArrayEquals(new float[] {5, 2, 3, 4}, x);
        Needs mse = new Needs(new int[] {4}, 1, LossKind.MEAN_SQUARED_ERROR);
        Path reg = Files.writeString(dir.resolve("r.csv"), "y,a,b,c,d\n2.5,1,1,1,1\n");
        float[] t = new float[1];
        DataSource.parse(reg.toString()).load(options(mse, false)).train().copyTargets(new int[] {0}, 0, 1, t);
        assertEquals(2.5f, t[0], 0f);
    }

    @Test
    void csvBadRowsNameTheLine() throws IOException {
        Needs small = new Needs(new int[] {2}, 2, LossKind.CATEGORICAL_CROSSENTROPY);
        Path columns = Files.writeString(dir.resolve("c.csv"), "label,a,b\n0,1,2\n1,2\n");
        assertEquals(columns + ":3: has 2 columns, but the first line has 3", assertThrows(DataFormatException.class,
                () -> DataSource.parse(columns.toString()).load(options(small, false))).getMessage());
        Path label = Files.writeString(dir.resolve("l.csv"), "0,1,2\n7,2,3\n");
        assertTrue(assertThrows(DataFormatException.class, () -> DataSource.parse(label.toString())
                .load(options(small, false))).getMessage().startsWith(label + ":2: the label 7 is outside 0..1"));
        Path word = Files.writeString(dir.resolve("w.csv"), "0,1,2\n1,two,3\n");
        assertTrue(assertThrows(DataFormatException.class, () -> DataSource.parse(word.toString())
                .load(options(small, false))).getMessage().equals(word + ":2: column 2, 'two', is not a number"));
        Path wide = Files.writeString(dir.resolve("wide.csv"), "0,1,2,3\n");
        assertTrue(assertThrows(DataMismatchException.class, () -> DataSource.parse(wide.toString())
                .load(options(small, false))).getMessage().contains("have 3 values besides the label, but the model's input is (2)"));
    }

    @Test
    void idxOfAnySizeAndClassCountWithTheStandardNamesOrGivenFiles() throws IOException {
        Path d = dir.resolve("idx");
        Files.createDirectories(d);
        byte[] px = IdxFiles.pixels(3, 4, 4);
        Files.write(d.resolve("train-images-idx3-ubyte"), IdxFiles.images(3, 4, 4, px));
        Files.write(d.resolve("train-labels-idx1-ubyte"), IdxFiles.labels((byte) 0, (byte) 2, (byte) 1));
        assertEquals(DataSource.Kind.IDX, DataSource.parse(d.toString()).kind());
        DataSource.Loaded l = DataSource.parse(d.toString()).load(options(GREY_4X4_3, false));
        assertEquals(3, l.train().count());
        assertEquals(2, l.train().label(1));
        DataSource given = DataSource.parse("idx:" + d.resolve("train-images-idx3-ubyte") + ","
                + d.resolve("train-labels-idx1-ubyte"));
        assertEquals(3, given.load(options(GREY_4X4_3, false)).train().count());
        DataSource beside = DataSource.parse(d.resolve("train-images-idx3-ubyte").toString());
        assertEquals(2, beside.paths().size());
        Needs two = new Needs(new int[] {4, 4, 1}, 2, LossKind.CATEGORICAL_CROSSENTROPY);
        assertTrue(assertThrows(DataMismatchException.class, () -> DataSource.parse(d.toString()).load(options(two, false)))
                .getMessage().contains("but the model ends with Dense(2)"));
    }

    @Test
    void aFolderOfIdxFilesWithoutTheTrainingImagesSaysWhatItNeeds() throws IOException {
        Path d = dir.resolve("partial");
        Files.createDirectories(d);
        Files.write(d.resolve("t10k-labels-idx1-ubyte.gz"), IdxFiles.gzip(IdxFiles.labels((byte) 1)));
        assertEquals(DataSource.Kind.IDX, DataSource.parse(d.toString()).kind());
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DataSource.parse(d.toString()).load(options(GREY_4X4_3, false)));
        assertTrue(e.getMessage().startsWith(d + ": holds IDX files but no train-images-idx3-ubyte[.gz]"), e.getMessage());
    }

    @Test
    void wronglyShapedArraysAreNamed() {
        Npy.Array flat = new Npy.Array("x.npy", "<f4", new int[] {4}, null, new float[4]);
        Npy.Array y = new Npy.Array("y.npy", "<i8", new int[] {3}, null, new float[3]);
        Npy.Array x = new Npy.Array("x.npy", "<f4", new int[] {4, 16}, null, new float[64]);
        assertTrue(assertThrows(DataFormatException.class, () -> DataSource.fromArrays("t", flat, y, GREY_4X4_3))
                .getMessage().startsWith("x.npy: the inputs have shape (4,)"));
        assertTrue(assertThrows(DataFormatException.class, () -> DataSource.fromArrays("t", x, y, GREY_4X4_3))
                .getMessage().equals("y.npy: holds 3 targets but the inputs x.npy hold 4 examples; they do not belong"
                        + " together"));
        Npy.Array half = new Npy.Array("y.npy", "<f4", new int[] {4}, null, new float[] {0, 1, 0.5f, 2});
        assertTrue(assertThrows(DataFormatException.class, () -> DataSource.fromArrays("t", x, half, GREY_4X4_3))
                .getMessage().contains("the target 0.5 of example 2 is not a class index"));
    }

    @Test
    void unknownKindsAndMissingPathsAreNamed() throws IOException {
        Path odd = Files.writeString(dir.resolve("data.bin"), "x");
        assertTrue(assertThrows(DataFormatException.class, () -> DataSource.parse(odd.toString())).getMessage()
                .contains("cannot tell what kind of data this is"));
        assertEquals(DataSource.Kind.CSV, DataSource.parse("csv:" + odd).kind());
        assertTrue(assertThrows(DataFormatException.class, () -> DataSource.parse(dir.resolve("nope.npz").toString()))
                .getMessage().endsWith("nope.npz: no such file or folder"));
        assertEquals(DataSource.Kind.MNIST, DataSource.parse("mnist").kind());
    }
}
