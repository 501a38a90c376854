package dev.cnnc.runtime.data;

import static dev.cnnc.runtime.data.IdxFiles.concat;
import static dev.cnnc.runtime.data.IdxFiles.gzip;
import static dev.cnnc.runtime.data.IdxFiles.header;
import static dev.cnnc.runtime.data.IdxFiles.images;
import static dev.cnnc.runtime.data.IdxFiles.labels;
import static dev.cnnc.runtime.data.IdxFiles.pixels;
import static dev.cnnc.runtime.data.IdxFiles.write;
import static dev.cnnc.runtime.data.IdxFiles.writeMnistDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.data.mnist.Mnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The malformed IDX files and MNIST directories IdxTest and MnistLocatorTest leave out. */
class IdxRobustnessTest {
    @TempDir
    Path dir;

    @Test
    void trainingAndTestImagesOfDifferentSizesAreRefusedNamingBoth() throws IOException {
        Path mnist = writeMnistDir(dir.resolve("mnist"), 4, 2, false);
        Path test = mnist.resolve(Mnist.TEST_IMAGES);
        Files.write(test, images(2, 3, 2, pixels(2, 3, 2))); // the training images are 2x3
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Mnist.loadFrom(mnist));
        assertEquals(test + ": holds 3x2 images, but " + mnist.resolve(Mnist.TRAIN_IMAGES) + " holds 2x3 ones: the "
                + "training and test images must have one size", e.getMessage());
    }

    @Test
    void everyCutOfAFileIsATruncationWithItsPlace() throws IOException {
        byte[] full = images(3, 2, 2, pixels(3, 2, 2)); // 16-byte header, 12 bytes of pixels
        for (int cut = 0; cut < full.length; cut++) {
            Path f = write(dir, "cut" + cut, Arrays.copyOf(full, cut));
            IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.readImages(f), "cut at " + cut);
            String expected = cut < 16 ? "truncated header" : "truncated data";
            assertTrue(e.getMessage().startsWith(f + ": ") && e.getMessage().contains(expected), cut + ": " + e.getMessage());
            if (cut >= 16) {
                assertTrue(e.getMessage().contains("only " + (cut - 16) + " bytes were found"), e.getMessage());
            }
        }
    }

    @Test
    void everyCutOfAGzippedFileIsReportedAsCorruptOrTruncated() throws IOException {
        byte[] full = gzip(labels(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));
        for (int cut = 2; cut < full.length; cut++) { // from the gzip magic on; shorter is not gzip at all
            Path f = write(dir, "cut" + cut + ".gz", Arrays.copyOf(full, cut));
            IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.readLabels(f), "cut at " + cut);
            assertTrue(e.getMessage().contains("gzip data is corrupt or truncated") || e.getMessage().contains("truncated"),
                    cut + ": " + e.getMessage());
        }
    }

    @Test
    void aDimensionCountOfZeroOrTwoHundredFiftyFive() throws IOException {
        Path zero = write(dir, "zero", header(0x00000800));
        assertTrue(assertThrows(IdxFormatException.class, () -> Idx.readLabels(zero)).getMessage()
                .contains("wrong dimension count 0"));
        Path many = write(dir, "many", concat(header(0x000008FF), new byte[1020]));
        assertTrue(assertThrows(IdxFormatException.class, () -> Idx.readImages(many)).getMessage()
                .contains("wrong dimension count 255"));
    }

    @Test
    void countsThatDisagreeBetweenImagesAndLabelsNameBothFiles() throws IOException {
        Path mnist = writeMnistDir(dir.resolve("mnist"), 4, 2, true);
        Files.delete(mnist.resolve(Mnist.TEST_LABELS + ".gz"));
        write(mnist, Mnist.TEST_LABELS, labels((byte) 1, (byte) 2, (byte) 3));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Mnist.loadFrom(mnist));
        assertTrue(e.getMessage().contains(Mnist.TEST_LABELS) && e.getMessage().contains(Mnist.TEST_IMAGES), e.getMessage());
        assertTrue(e.getMessage().contains("2") && e.getMessage().contains("3"), e.getMessage());
    }

    @Test
    void aDirectoryWhereAFileShouldBeIsAClearError() throws IOException {
        Path d = Files.createDirectories(dir.resolve(Mnist.TRAIN_IMAGES));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.readImages(d));
        assertEquals(d + ": is a directory, not an IDX images file", e.getMessage());
    }

    @Test
    void aValidFileStillReadsAfterAllThis() throws IOException {
        byte[] pixels = pixels(3, 2, 2);
        assertArrayEquals(pixels, Idx.readImages(write(dir, "ok.gz", gzip(images(3, 2, 2, pixels)))).pixels());
    }
}
