package dev.cnnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.optim.LossKind;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The .npy and .npz readers against files NumPy itself wrote ({@code numpy/make_fixtures.py}, committed with its
 * output), and against broken copies of them.
 */
class NumpyTest {
    private static final Needs IMAGES_3X2 = new Needs(new int[] {3, 2, 1}, 3, LossKind.CATEGORICAL_CROSSENTROPY);

    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(NumpyTest.class.getResource("numpy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"u1_v1.npy", "u1_v2.npy", "u1_v3.npy"})
    void unsignedBytesInEveryHeaderVersion(String file) throws IOException {
        Npy.Array a = Npy.read(fixture(file));
        assertArrayEquals(new int[] {4, 3, 2}, a.shape());
        assertTrue(a.isBytes());
        for (int i = 0; i < 24; i++) {
            assertEquals(i * 10 % 256, a.bytes()[i] & 0xFF, "element " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"f4.npy", "f8.npy", "f4_big_endian.npy"})
    void floatsOfEitherWidthAndByteOrder(String file) throws IOException {
        Npy.Array a = Npy.read(fixture(file));
        assertArrayEquals(new int[] {4, 3, 2}, a.shape());
        for (int i = 0; i < 24; i++) {
            assertEquals(i / 8f - 1, a.floats()[i], 1e-7, "element " + i);
        }
    }

    @Test
    void labelsAsInt64Uint8AndOneHotGiveTheSameClasses() throws IOException {
        Npy.Array x = Npy.read(fixture("u1_v1.npy"));
        for (String y : new String[] {"y_i8.npy", "y_u1.npy", "y_onehot.npy"}) {
            Dataset d = DataSource.fromArrays("t", x, Npy.read(fixture(y)), IMAGES_3X2);
            assertEquals(3, d.numClasses(), y);
            assertEquals(Arrays.asList(0, 1, 2, 1), Arrays.asList(d.label(0), d.label(1), d.label(2), d.label(3)), y);
        }
    }

    @Test
    void bytesAreScaledBy255AndFloatsTakenAsTheyAre() throws IOException {
        Dataset bytes = DataSource.fromArrays("t", Npy.read(fixture("u1_v1.npy")), Npy.read(fixture("y_i8.npy")),
                IMAGES_3X2);
        Dataset floats = DataSource.fromArrays("t", Npy.read(fixture("f4.npy")), Npy.read(fixture("y_i8.npy")),
                IMAGES_3X2);
        float[] b = new float[6];
        float[] f = new float[6];
        bytes.copyInputs(new int[] {1}, 0, 1, b);
        floats.copyInputs(new int[] {1}, 0, 1, f);
        for (int i = 0; i < 6; i++) {
            assertEquals((6 + i) * 10 / 255f, b[i], 0f);
            assertEquals((6 + i) / 8f - 1, f[i], 0f);
        }
    }

    @Test
    void fortranOrderIsRefusedWithTheFix() {
        DataFormatException e = assertThrows(DataFormatException.class, () -> Npy.read(fixture("f4_fortran.npy")));
        assertTrue(e.getMessage().contains("f4_fortran.npy") && e.getMessage().contains("Fortran order")
                && e.getMessage().contains("ascontiguousarray"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keras_stored.npz", "keras_deflated.npz"})
    void kerasStyleArchivesStoredOrDeflated(String file) throws IOException {
        DataSource.Loaded l = DataSource.parse(fixture(file).toString()).load(new DataSource.Options(IMAGES_3X2));
        assertEquals(4, l.train().count());
        assertNotNull(l.test());
        assertEquals(2, l.test().count());
        assertEquals(2, l.train().label(2));
        float[] px = new float[6];
        l.test().copyInputs(new int[] {1}, 0, 1, px);
        assertEquals(60 / 255f, px[0], 0f);
    }

    @Test
    void namedArraysAfterHash() throws IOException {
        DataSource.Loaded l = DataSource.parse(fixture("named.npz") + "#images,labels")
                .load(new DataSource.Options(IMAGES_3X2));
        assertEquals(4, l.train().count());
        assertNull(l.test());
    }

    @Test
    void aMissingKeyListsTheKeysTheArchiveHas() {
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DataSource.parse(fixture("named.npz").toString()).load(new DataSource.Options(IMAGES_3X2)));
        assertTrue(e.getMessage().contains("named.npz") && e.getMessage().contains("no array 'x_train'")
                && e.getMessage().contains("images, labels"), e.getMessage());
    }

    @Test
    void truncatedDataSaysHowManyBytesArePromisedAndFound() throws IOException {
        byte[] full = Files.readAllBytes(fixture("f4.npy"));
        Path cut = dir.resolve("cut.npy");
        Files.write(cut, Arrays.copyOf(full, full.length - 10));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Npy.read(cut));
        assertTrue(e.getMessage().startsWith(cut + ": truncated") && e.getMessage().contains("96 bytes")
                && e.getMessage().contains("86"), e.getMessage());
        Files.write(cut, Arrays.copyOf(full, 20));
        e = assertThrows(DataFormatException.class, () -> Npy.read(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void emptyAndForeignFilesAreNamed() throws IOException {
        Path empty = Files.write(dir.resolve("empty.npy"), new byte[0]);
        assertTrue(assertThrows(DataFormatException.class, () -> Npy.read(empty)).getMessage()
                .equals(empty + ": is empty (0 bytes), not a .npy file"));
        Path text = Files.writeString(dir.resolve("text.npy"), "hello, world");
        assertTrue(assertThrows(DataFormatException.class, () -> Npy.read(text)).getMessage()
                .contains("not a .npy file"));
        Path zip = Files.writeString(dir.resolve("bad.npz"), "not a zip");
        assertTrue(assertThrows(DataFormatException.class, () -> Npz.keys(zip)).getMessage()
                .contains("bad.npz: not a .npz archive"));
    }

    @Test
    void unsupportedTypeIsNamed() throws IOException {
        byte[] full = Files.readAllBytes(fixture("f4.npy"));
        String s = new String(full, java.nio.charset.StandardCharsets.ISO_8859_1).replace("'<f4'", "'<c8'");
        Path c = Files.write(dir.resolve("complex.npy"), s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertTrue(assertThrows(DataFormatException.class, () -> Npy.read(c)).getMessage()
                .contains("unsupported element type '<c8'"));
    }

    @Test
    void mismatchesNameBothSides() throws IOException {
        Needs mnist = new Needs(new int[] {28, 28, 1}, 10, LossKind.CATEGORICAL_CROSSENTROPY);
        DataMismatchException shape = assertThrows(DataMismatchException.class, () -> DataSource.fromArrays("t",
                Npy.read(fixture("u1_v1.npy")), Npy.read(fixture("y_i8.npy")), mnist));
        assertTrue(shape.getMessage().contains("are 3x2 grey, but the model's input is (28, 28, 1): 28x28 grey images"),
                shape.getMessage());
        Needs two = new Needs(new int[] {3, 2, 1}, 2, LossKind.CATEGORICAL_CROSSENTROPY);
        DataMismatchException classes = assertThrows(DataMismatchException.class, () -> DataSource.fromArrays("t",
                Npy.read(fixture("u1_v1.npy")), Npy.read(fixture("y_onehot.npy")), two));
        assertTrue(classes.getMessage().contains("have 3 classes (one-hot), but the model ends with Dense(2)"),
                classes.getMessage());
        DataMismatchException range = assertThrows(DataMismatchException.class, () -> DataSource.fromArrays("t",
                Npy.read(fixture("u1_v1.npy")), Npy.read(fixture("y_i8.npy")), two));
        assertTrue(range.getMessage().contains("at least 3 classes (label 2, example 2), but the model ends with Dense(2)"),
                range.getMessage());
    }

    @Test
    void meanSquaredErrorTakesFloatTargetsAsTheyAre() throws IOException {
        Needs regression = new Needs(new int[] {3, 2, 1}, 3, LossKind.MEAN_SQUARED_ERROR);
        Dataset d = DataSource.fromArrays("t", Npy.read(fixture("f4.npy")), Npy.read(fixture("y_onehot.npy")),
                regression);
        assertEquals(Dataset.TargetKind.VECTORS, d.targetKind());
        float[] t = new float[3];
        d.copyTargets(new int[] {2}, 0, 1, t);
        assertArrayEquals(new float[] {0, 0, 1}, t);
    }

    @Test
    void binaryCrossEntropyWithOneOutputGetsTheClassAsOneFloat() throws IOException {
        Needs binary = new Needs(new int[] {3, 2, 1}, 1, LossKind.BINARY_CROSSENTROPY);
        Npy.Array y = new Npy.Array("y", "<i8", new int[] {4}, null, new float[] {0, 1, 1, 0});
        Dataset d = DataSource.fromArrays("t", Npy.read(fixture("u1_v1.npy")), y, binary);
        float[] t = new float[4];
        d.copyTargets(new int[] {0, 1, 2, 3}, 0, 4, t);
        assertArrayEquals(new float[] {0, 1, 1, 0}, t);
        assertEquals(1, d.targetSize());
    }
}
